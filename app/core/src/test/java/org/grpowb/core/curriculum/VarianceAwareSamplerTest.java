package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.PromptSampler.Candidate;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class VarianceAwareSamplerTest {

    // never solved (p = 0), half solved (p = 1/2), always solved (p = 1), never drawn, half solved but weighed 2
    private final List<Candidate> candidates = List.of(
            new Candidate(Rounds.example("hopeless"), 1), new Candidate(Rounds.example("frontier"), 1),
            new Candidate(Rounds.example("solved"), 1), new Candidate(Rounds.example("new"), 1),
            new Candidate(Rounds.example("heavy"), 2));
    private final Map<String, PromptHistory> histories = Map.of(
            "hopeless", Rounds.history("hopeless", 0, 0),
            "frontier", Rounds.history("frontier", 1, 3),
            "solved", Rounds.history("solved", 4, 4, 4),
            // five visits: the window of 4 forgets the first (4 of 4), leaving 2, 2, 2, 2 → p = 1/2
            "heavy", Rounds.history("heavy", 4, 2, 2, 2, 2));

    private VarianceAwareSampler sampler(Map<String, Object> settings) {
        VarianceAwareSampler s = new VarianceAwareSampler();
        s.configure(Settings.resolve(s.settings(), settings, "test"));
        return s;
    }

    @Test
    void weightsAreStageWeightTimesOutcomeVariancePlusFloor() {
        var round = Rounds.round(1, 0, 1, 4, candidates, Set.of(), 0, new Random(0), histories);
        // p(1 − p) + 0.05: 0 + .05, .25 + .05, 0 + .05, unseen p = .5: .25 + .05, and 2 · (.25 + .05)
        assertArrayEquals(new double[] {0.05, 0.30, 0.05, 0.30, 0.60},
                sampler(Map.of()).samplingWeights(round, candidates), 1e-12);
        assertArrayEquals(new double[] {0.0, 0.25, 0.0, 0.25, 0.50},
                sampler(Map.of("floor", 0.0)).samplingWeights(round, candidates), 1e-12);
    }

    @Test
    void theHalfSolvedPromptIsDrawnFirstMostOften() {
        List<Candidate> three = candidates.subList(0, 3);
        VarianceAwareSampler s = sampler(Map.of());
        int frontier = 0;
        int runs = 4000;
        for (int seed = 0; seed < runs; seed++) {
            var d = s.draw(Rounds.round(1, 0, 1, 4, three, Set.of(), 0, Rounds.random(seed), histories));
            if (d.get(0).example().id().equals("frontier")) {
                frontier++;
            }
        }
        assertEquals(0.30 / 0.40, frontier / (double) runs, 0.03);
    }

    @Test
    void refillsSkipExcludedPrompts() {
        VarianceAwareSampler s = sampler(Map.of());
        for (int seed = 0; seed < 50; seed++) {
            var d = s.draw(Rounds.round(1, 1, 2, 4, candidates, Set.of("frontier", "heavy"), 0, Rounds.random(seed), histories));
            assertEquals(2, d.size());
            assertTrue(Rounds.ids(d).stream().noneMatch(id -> id.equals("frontier") || id.equals("heavy")));
        }
    }
}
