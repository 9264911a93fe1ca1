package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.PromptSampler.Draw;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class RolloutGdroSamplerTest {

    @Test
    void squareRootAllocationUnderAFixedMeanBudget() {
        // √(p(1 − p)) = 0, .5, .5, .3 for p = 0, .5, .5, .1; budget 4 · 8 = 32.
        // p = 0 gets the minimum 2; the other 30 split .5 : .5 : .3 → 11.54, 11.54, 6.92;
        // floors 11, 11, 6 (+2 = 30), the 2 left go to the largest remainders .92, then .54 (the earlier prompt)
        int[] n = RolloutGdroSampler.allocate(new double[] {0, 0.5, 0.5, 0.1}, 8, 32);
        assertArrayEquals(new int[] {2, 12, 11, 7}, n);
        assertEquals(32, n[0] + n[1] + n[2] + n[3]);
    }

    @Test
    void theCapSpillsOverToThePinnedPrompts() {
        // budget 16, cap 8: the p = ½ prompt would take 10 of it, is capped at 8, and the other three (at the
        // minimum 2) share the 2 left: 2⅔ each → floors 2, 2, 2 and the two remainders to the earlier prompts
        assertArrayEquals(new int[] {8, 3, 3, 2}, RolloutGdroSampler.allocate(new double[] {0.5, 0, 1, 0}, 4, 8));
        // nothing to tell prompts apart: an even split
        assertArrayEquals(new int[] {6, 6, 6}, RolloutGdroSampler.allocate(new double[] {0, 1, 1}, 6, 32));
        // a cap below G is raised to G, so the budget always fits
        assertArrayEquals(new int[] {8, 8}, RolloutGdroSampler.allocate(new double[] {0.5, 0.1}, 8, 4));
    }

    @Test
    void drawsGetTheirAllocationFromTheirHistory() {
        RolloutGdroSampler s = new RolloutGdroSampler();
        s.configure(Settings.resolve(s.settings(), Map.of(), "test"));
        var four = Rounds.candidates(4);
        // pass rates over the last 4 visits of 4 rollouts: p0 = 0, p1 = 2/4, p2 never drawn (½), p3 = 1/4
        var histories = Map.of("p0", Rounds.history("p0", 0, 0),
                "p1", Rounds.history("p1", 2), "p3", Rounds.history("p3", 1, 1, 1, 1));
        List<Draw> draws = s.draw(Rounds.round(1, 0, 4, 8, four, Set.of(), 5, new Random(0), histories));
        Map<String, Double> p = Map.of("p0", 0.0, "p1", 0.5, "p2", 0.5, "p3", 0.25);
        double[] rates = draws.stream().mapToDouble(d -> p.get(d.example().id())).toArray();
        int[] expected = RolloutGdroSampler.allocate(rates, 8, 32);
        assertArrayEquals(expected, draws.stream().mapToInt(Draw::rollouts).toArray());
        assertEquals(32, draws.stream().mapToInt(Draw::rollouts).sum());
        // the prompt never solved gets the minimum
        assertEquals(2, draws.stream().filter(d -> d.example().id().equals("p0")).findFirst().orElseThrow().rollouts());
    }
}
