package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.grpowb.api.GroupAdvantages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignFlipsTest {

    @TempDir
    Path dir;

    private static GroupAdvantages group(double[] advantages, double[] rewards, double baseline) {
        boolean[] keep = new boolean[advantages.length];
        java.util.Arrays.fill(keep, true);
        return new GroupAdvantages(advantages, keep, baseline, rewards);
    }

    /**
     * GDPO, rewards w = (1, 1): correctness (1, 0, 0) and a format score (0, 0.5, 0.4). Each is normalised in the group
     * first (sample std, as torch.std): (1.1547, −0.5773, −0.5773) and (−1.1339, 0.7559, 0.3780), summed to
     * A = (0.0208, 0.1786, −0.1994). The totals are r = (1, 0.5, 0.4), group mean 0.6333. Rollout 2 sits below the
     * group mean (r − b < 0) yet its produced advantage is positive.
     */
    private static final GroupAdvantages GDPO = group(new double[] {0.0208, 0.1786, -0.1994},
            new double[] {1, 0.5, 0.4}, 0.6333);

    @Test
    void aGdpoGroupWhoseAdvantageSignDisagreesWithTheRewardIsJudgedByTheProducedAdvantage() {
        // b_ref = 0.55: rollout 2's reward is below the reference (0.5 − 0.55 < 0) but its advantage is positive:
        // flipped. The old rule, sign(r − b_group) against sign(r − b_ref), saw (−)(−) and called it not flipped.
        int[] counted = new int[1];
        assertArrayEquals(new boolean[] {false, true, false},
                SignFlips.flipped(GDPO, OptionalDouble.of(0.55), counted));
        assertEquals(3, counted[0]);
        assertTrue((0.5 - 0.6333) * (0.5 - 0.55) > 0, "the old rule's product is positive: no flip by it");
        // b_ref = 0.45: rollout 2 is above the reference and its advantage positive: not flipped, where the old rule
        // ((0.5 − 0.633)(0.5 − 0.45) < 0) reported a flip that the estimator never produced.
        counted[0] = 0;
        assertArrayEquals(new boolean[] {false, false, false},
                SignFlips.flipped(GDPO, OptionalDouble.of(0.45), counted));
        assertEquals(3, counted[0]);
    }

    @Test
    void zeroAdvantagesMaskedRolloutsAndRewardsOnTheReferenceAreNotCounted() {
        // MC-GRPO, G + 1 = 3, rewards 1, 0.5, 0: median 0.5 is the pivot (masked, A = 0); A = (0.5, 0, −0.5).
        GroupAdvantages mc = new GroupAdvantages(new double[] {0.5, 0, -0.5}, new boolean[] {true, false, true}, 0.5,
                new double[] {1, 0.5, 0});
        int[] counted = new int[1];
        assertArrayEquals(new boolean[] {false, false, false}, SignFlips.flipped(mc, OptionalDouble.of(0.2), counted));
        assertEquals(2, counted[0], "the pivot is out of the loss");
        // an all-equal group: every A = 0, nothing to judge
        counted[0] = 0;
        SignFlips.flipped(group(new double[] {0, 0}, new double[] {1, 1}, 1), OptionalDouble.of(0.3), counted);
        assertEquals(0, counted[0]);
        // a reward exactly on the reference has no reference sign
        counted[0] = 0;
        SignFlips.flipped(group(new double[] {0.7, -0.7}, new double[] {1, 0}, 0.5), OptionalDouble.of(1.0), counted);
        assertEquals(1, counted[0]);
        // no reference: nothing judged
        counted[0] = 0;
        SignFlips.flipped(GDPO, OptionalDouble.empty(), counted);
        assertEquals(0, counted[0]);
    }

    @Test
    void shapedRewardsAreWhatTheReferenceIsComparedWith() {
        // DAPO's overlong shaping: raw rewards 1, 1, 0 become r̃ = 1, 0.6, 0 (the second ran into the soft zone);
        // mean 0.533, A (Dr.-style, r̃ − mean) = (0.467, 0.067, −0.533). Reference 0.7: the shaped 0.6 is below it,
        // its advantage positive: flipped. On raw rewards (1 vs 0.7: above) nothing would flip.
        GroupAdvantages shaped = group(new double[] {0.467, 0.067, -0.533}, new double[] {1, 0.6, 0}, 0.533);
        SignFlips.Judgement j = SignFlips.judge(List.of(shaped, GDPO), new double[] {0.7, Double.NaN});
        assertArrayEquals(new boolean[] {false, true, false}, j.flipped().get(0));
        assertEquals(3, j.counted(), "the group without a reference is not counted");
        assertEquals(1, j.flips());
        assertEquals(1 / 3.0, j.rate(), 1e-12);
    }

    @Test
    void theRunningPassRateAveragesTheLastVisitsAndSurvivesACheckpoint() throws Exception {
        SignFlips f = new SignFlips(2, 10);
        assertEquals(OptionalDouble.empty(), f.passRate("p"));
        f.observe("p", 0.0);
        f.observe("p", 1.0);
        f.observe("p", 0.5);
        assertEquals(0.75, f.passRate("p").getAsDouble(), 1e-12, "window of 2: (1 + 0.5) / 2");
        f.recordProbe("q", 3, 0.3);
        f.save(dir.resolve("s.json"));
        SignFlips g = new SignFlips(2, 10);
        g.load(dir.resolve("s.json"));
        assertEquals(0.75, g.passRate("p").getAsDouble(), 1e-12);
        assertEquals(0.3, g.probe("q", 12).getAsDouble(), 1e-12, "taken at step 3, it serves steps 3..12");
    }

    @Test
    void aProbeExpiresAfterProbeEverySteps() {
        SignFlips f = new SignFlips(4, 10);
        f.recordProbe("q", 1, 0.4);
        assertEquals(0.4, f.probe("q", 1).getAsDouble(), 0);
        assertEquals(0.4, f.probe("q", 10).getAsDouble(), 0);
        assertTrue(f.probe("q", 11).isEmpty(), "a step-1 probe no longer serves at step 11");
        assertTrue(f.probe("q", 500).isEmpty());
        assertTrue(f.probe("other", 1).isEmpty());
    }
}
