package org.grpowb.core.curriculum;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides at each step boundary whether the run moves to the next curriculum stage. The decision is a pure function
 * of (curriculum, state, metric history), so a resumed run replays it from the stored step metrics and lands in the
 * stage the uninterrupted run was in. At most one stage is advanced per step; the last stage never advances.
 */
public final class CurriculumTracker {

    private final Curriculum curriculum;

    public CurriculumTracker(Curriculum curriculum) {
        this.curriculum = Objects.requireNonNull(curriculum, "curriculum");
    }

    /**
     * The state for step {@code step + 1}, once step {@code step} has finished.
     *
     * @param state   the state step {@code step} trained in
     * @param step    the step just finished, 1-based
     * @param metrics step metrics by step: {@code metrics.get(s - 1)} for step s, at least {@code step} of them
     */
    public CurriculumState afterStep(CurriculumState state, int step, List<Map<String, Double>> metrics) {
        if (step < state.enteredAtStep()) {
            throw new IllegalArgumentException("step " + step + " is before the stage was entered (step "
                    + state.enteredAtStep() + ")");
        }
        if (metrics.size() < step) {
            throw new IllegalArgumentException("metrics for " + metrics.size() + " steps, need " + step);
        }
        if (state.stage() >= curriculum.stages().size() - 1) {
            return state;
        }
        int inStage = step - state.enteredAtStep() + 1;
        Advance rule = curriculum.stages().get(state.stage()).advance();
        boolean next;
        if (rule instanceof Advance.AfterSteps a) {
            next = inStage >= a.steps();
        } else if (rule instanceof Advance.OnMetric m) {
            next = inStage >= m.window() && crossed(m, step, metrics);
        } else {
            next = false;
        }
        return next ? new CurriculumState(state.stage() + 1, step + 1) : state;
    }

    /** The state after replaying every step of {@code metrics} from the start: the state of the next step. */
    public CurriculumState replay(List<Map<String, Double>> metrics) {
        CurriculumState state = CurriculumState.start();
        for (int step = 1; step <= metrics.size(); step++) {
            state = afterStep(state, step, metrics);
        }
        return state;
    }

    /** Mean of the metric over steps step − window + 1 … step against the threshold; false if any step lacks it. */
    private static boolean crossed(Advance.OnMetric m, int step, List<Map<String, Double>> metrics) {
        double sum = 0;
        for (int s = step - m.window() + 1; s <= step; s++) {
            Double v = metrics.get(s - 1).get(m.metric());
            if (v == null || !Double.isFinite(v)) {
                return false;
            }
            sum += v;
        }
        double mean = sum / m.window();
        return m.above() ? mean > m.threshold() : mean < m.threshold();
    }
}
