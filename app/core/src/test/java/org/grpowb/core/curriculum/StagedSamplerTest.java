package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.PromptSampler.Candidate;
import org.junit.jupiter.api.Test;

class StagedSamplerTest {

    private final List<Candidate> weighted = List.of(
            new Candidate(Rounds.example("a"), 1.0), new Candidate(Rounds.example("b"), 3.0));

    /** A Random whose nextDouble is always u: picks the index whose cumulative weight first exceeds u · total. */
    private static Random fixed(double u) {
        return new Random() {
            @Override
            public double nextDouble() {
                return u;
            }
        };
    }

    @Test
    void aDrawFallsWhereItsShareOfTheTotalWeightLies() {
        // weights 1, 3 (total 4): u · 4 < 1 picks a, otherwise b
        assertEquals(List.of(0), Draws.weighted(new double[] {1, 3}, 1, fixed(0.2)));  // 0.8
        assertEquals(List.of(1), Draws.weighted(new double[] {1, 3}, 1, fixed(0.3)));  // 1.2
        // without replacement: after b is taken only a is left, whatever u is
        assertEquals(List.of(1, 0), Draws.weighted(new double[] {1, 3}, 2, fixed(0.9)));
        // zero weights are never drawn, and the draw stops when only they are left
        assertEquals(List.of(2), Draws.weighted(new double[] {0, 0, 5}, 3, fixed(0.0)));
    }

    @Test
    void drawsInProportionToStageWeight() {
        StagedSampler staged = new StagedSampler();
        int b = 0;
        int runs = 4000;
        for (int seed = 0; seed < runs; seed++) {
            var d = staged.draw(Rounds.round(1, 0, 1, 4, weighted, Set.of(), 0, Rounds.random(seed), Map.of()));
            if (d.get(0).example().id().equals("b")) {
                b++;
            }
        }
        assertEquals(0.75, b / (double) runs, 0.03, "b weighs 3 of 4");
    }

    @Test
    void refillsHonourExclusionsAndNeverRepeat() {
        StagedSampler staged = new StagedSampler();
        var six = Rounds.candidates(6);
        for (int seed = 0; seed < 50; seed++) {
            var d = staged.draw(Rounds.round(2, 1, 10, 4, six, Set.of("p1", "p5"), 0, Rounds.random(seed), Map.of()));
            assertEquals(Set.of("p0", "p2", "p3", "p4"), new HashSet<>(Rounds.ids(d)));
            assertEquals(4, d.size());
            assertTrue(d.stream().allMatch(x -> x.rollouts() == 4));
        }
    }
}
