package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CurriculumTrackerTest {

    // easy for 3 steps; medium until accuracy averages above 0.5 over 2 steps; then all
    private final Curriculum curriculum = new Curriculum(List.of(
            new Stage("easy", Map.of(), null, null, new Advance.AfterSteps(3)),
            new Stage("medium", Map.of(), null, null, new Advance.OnMetric("accuracy", true, 0.5, 2)),
            new Stage("all", Map.of(), null, null, new Advance.Never())));
    private final CurriculumTracker tracker = new CurriculumTracker(curriculum);

    private static List<Map<String, Double>> accuracies(double... a) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (double v : a) {
            out.add(Map.of("accuracy", v));
        }
        return out;
    }

    /** The state each step trained in, walking the tracker step by step. */
    private List<CurriculumState> walk(List<Map<String, Double>> metrics) {
        List<CurriculumState> out = new ArrayList<>();
        CurriculumState s = CurriculumState.start();
        for (int step = 1; step <= metrics.size(); step++) {
            out.add(s);
            s = tracker.afterStep(s, step, metrics);
        }
        out.add(s);
        return out;
    }

    @Test
    void afterStepsAdvancesOnTheNthStepAndNotBefore() {
        var states = walk(accuracies(0, 0, 0, 0));
        assertEquals(new CurriculumState(0, 1), states.get(2), "step 3 is still easy");
        assertEquals(new CurriculumState(1, 4), states.get(3), "step 4 is medium, entered at step 4");
    }

    @Test
    void aMetricRuleWaitsForAFullWindowInTheStageAndAMeanStrictlyAbove() {
        // steps 1–3 easy (their accuracy does not count for medium); step 4 alone is not a window of 2;
        // steps 4–5 average (0.9 + 0.1)/2 = 0.5, not above 0.5; steps 5–6 average (0.1 + 0.95)/2 = 0.525: advance
        var states = walk(accuracies(1, 1, 1, 0.9, 0.1, 0.95, 0));
        assertEquals(1, states.get(4).stage(), "step 5 is medium");
        assertEquals(1, states.get(5).stage(), "step 6 is medium: 0.5 is not above 0.5");
        assertEquals(new CurriculumState(2, 7), states.get(6), "step 7 is all");
        assertEquals(new CurriculumState(2, 7), states.get(7), "the last stage stays");
        assertEquals(states.get(7), tracker.replay(accuracies(1, 1, 1, 0.9, 0.1, 0.95, 0)), "replay lands in the same stage");
    }

    @Test
    void aStepWithoutTheMetricProvesNothing() {
        List<Map<String, Double>> metrics = new ArrayList<>(accuracies(0, 0, 0, 1));
        metrics.add(Map.of("reward_mean", 1.0)); // step 5 has no accuracy
        metrics.add(Map.of("accuracy", Double.NaN));
        metrics.add(Map.of("accuracy", 1.0));
        metrics.add(Map.of("accuracy", 1.0));
        var states = walk(metrics);
        assertEquals(1, states.get(7).stage(), "windows 4–5, 5–6 and 6–7 each lack a value");
        assertEquals(new CurriculumState(2, 9), states.get(8), "steps 7–8 average 1.0");
    }

    @Test
    void belowRulesAdvanceWhenTheMeanFalls() {
        var c = new CurriculumTracker(new Curriculum(List.of(
                new Stage("warm", Map.of(), null, null, new Advance.OnMetric("zero_adv_frac", false, 0.25, 1)),
                Stage.all())));
        var m = List.of(Map.of("zero_adv_frac", 0.25), Map.of("zero_adv_frac", 0.125));
        assertEquals(CurriculumState.start(), c.afterStep(CurriculumState.start(), 1, m), "0.25 is not below 0.25");
        assertEquals(new CurriculumState(1, 3), c.afterStep(CurriculumState.start(), 2, m));
    }
}
