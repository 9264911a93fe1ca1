package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.junit.jupiter.api.Test;

/** GDPO advantages on hand-built multi-reward groups, against GRPO's sum-then-normalise. */
class DecoupledRewardAdvantageTest {

    private static final double EPS = GroupNormalizedAdvantage.STD_EPSILON;
    private static final double TOL = 1e-12;
    private static final List<String> NAMES = List.of("correct", "format");

    private static RewardGroup twoRewards(String id, double[] weights, double[]... rows) {
        return new RewardGroup(id, NAMES, rows, weights, weights[0] + weights[1]);
    }

    private static List<GroupAdvantages> gdpo(boolean batchNorm, RewardGroup... groups) {
        return new DecoupledRewardAdvantage(batchNorm).advantages(List.of(groups));
    }

    private static List<GroupAdvantages> grpo(RewardGroup... groups) {
        return new GroupNormalizedAdvantage(RewardScaling.GROUP).advantages(List.of(groups));
    }

    @Test
    void distinctRewardCombinationsNoLongerCollapse() {
        // G = 2, rewards (correct, format), unit weights. Group X: (1, 0) vs (0, 0); group Y: (1, 1) vs (0, 0).
        // GRPO sums first: totals 1, 0 and 2, 0 both normalise to ±0.5 / sqrt(0.5) = ±0.707106: Y's winner, better on
        // both counts, gets no more than X's. GDPO: X = correct ±0.707106 + format 0 (constant) = ±0.707106;
        // Y = ±0.707106 ± 0.707106 = ±1.414212.
        double[] w = {1, 1};
        RewardGroup x = twoRewards("x", w, new double[]{1, 0}, new double[]{0, 0});
        RewardGroup y = twoRewards("y", w, new double[]{1, 1}, new double[]{0, 0});
        double unit = 0.5 / (Math.sqrt(0.5) + EPS);

        // (equal up to the 1e-6 added to the std: 0.5 / (0.707107 + 1e-6) against 1 / (1.414214 + 1e-6))
        List<GroupAdvantages> sumFirst = grpo(x, y);
        assertArrayEquals(sumFirst.get(0).advantages(), sumFirst.get(1).advantages(), 1e-6);
        assertArrayEquals(new double[]{unit, -unit}, sumFirst.get(0).advantages(), TOL);

        List<GroupAdvantages> decoupled = gdpo(false, x, y);
        assertArrayEquals(new double[]{unit, -unit}, decoupled.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{2 * unit, -2 * unit}, decoupled.get(1).advantages(), TOL);
        assertEquals(1.414212, decoupled.get(1).advantages()[0], 1e-6);

        // batch normalisation: the four values ±u, ±2u have mean 0 and sample std sqrt((2u² + 8u²) / 3) = u sqrt(10/3);
        // A = ±0.547723 and ±1.095445; the ratio 2 between the groups survives
        List<GroupAdvantages> normalised = gdpo(true, x, y);
        double std = unit * Math.sqrt(10.0 / 3) + EPS;
        assertArrayEquals(new double[]{unit / std, -unit / std}, normalised.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{2 * unit / std, -2 * unit / std}, normalised.get(1).advantages(), TOL);
        assertEquals(0.547723, normalised.get(0).advantages()[0], 1e-6);
        assertEquals(1.095445, normalised.get(1).advantages()[0], 1e-6);
    }

    @Test
    void withinAGroupCorrectnessAloneOutranksFormatAlone() {
        // four rollouts (1, 0), (0, 1), (0, 1), (0, 0). GRPO: totals 1, 1, 1, 0, mean 0.75, std 0.5: A = 0.5, 0.5, 0.5, −1.5
        // (the correct answer without format and the formatted wrong answers are one thing).
        // GDPO: correct (1, 0, 0, 0): mean 0.25, std 0.5 → 1.5, −0.5, −0.5, −0.5;
        //       format (0, 1, 1, 0): mean 0.5, std sqrt(1/3) → −0.866025, 0.866025, 0.866025, −0.866025;
        //       sum 0.633975, 0.366025, 0.366025, −1.366025
        RewardGroup g = twoRewards("p", new double[]{1, 1}, new double[]{1, 0}, new double[]{0, 1}, new double[]{0, 1},
                new double[]{0, 0});
        double c = 0.5 + EPS;
        double f = Math.sqrt(1.0 / 3) + EPS;
        double[] expected = {0.75 / c - 0.5 / f, -0.25 / c + 0.5 / f, -0.25 / c + 0.5 / f, -0.25 / c - 0.5 / f};
        GroupAdvantages a = gdpo(false, g).get(0);
        assertArrayEquals(expected, a.advantages(), TOL);
        assertArrayEquals(new double[]{0.633975, 0.366025, 0.366025, -1.366025}, a.advantages(), 1e-5);
        assertArrayEquals(new double[]{0.25 / c, 0.25 / c, 0.25 / c, -0.75 / c}, grpo(g).get(0).advantages(), TOL);
        assertNotEquals(grpo(g).get(0).advantages()[0], a.advantages()[0]);
        assertEquals(0.75, a.baseline(), TOL);
    }

    @Test
    void weightsScaleEachNormalisedReward() {
        // the same group with weights (1, 0.5): 1.5 − 0.433013, −0.5 + 0.433013, ..., −0.5 − 0.433013
        RewardGroup g = twoRewards("p", new double[]{1, 0.5}, new double[]{1, 0}, new double[]{0, 1}, new double[]{0, 1},
                new double[]{0, 0});
        double c = 0.5 + EPS;
        double f = Math.sqrt(1.0 / 3) + EPS;
        double[] expected = {0.75 / c - 0.25 / f, -0.25 / c + 0.25 / f, -0.25 / c + 0.25 / f, -0.25 / c - 0.25 / f};
        assertArrayEquals(expected, gdpo(false, g).get(0).advantages(), TOL);
        // the baseline is the mean weighted total: (1 + 0.5 + 0.5 + 0) / 4, and r̃ the weighted totals themselves
        assertEquals(0.5, gdpo(false, g).get(0).baseline(), TOL);
        assertArrayEquals(new double[]{1, 0.5, 0.5, 0}, gdpo(true, g).get(0).rewards(), TOL);
    }

    @Test
    void allEqualRewardsGiveExactlyZeroWithOrWithoutBatchNorm() {
        double[] w = {1, 0.5};
        RewardGroup constant = twoRewards("c", w, new double[]{0.1, 1}, new double[]{0.1, 1}, new double[]{0.1, 1});
        for (boolean bn : new boolean[]{false, true}) {
            GroupAdvantages a = gdpo(bn, constant).get(0);
            assertArrayEquals(new double[]{0, 0, 0}, a.advantages(), 0.0);
            assertTrue(a.allZero());
        }
        // next to a group with signal, the constant group stays at exactly 0 after batch normalisation
        RewardGroup mixed = twoRewards("m", w, new double[]{1, 1}, new double[]{0, 1}, new double[]{0, 0});
        List<GroupAdvantages> out = gdpo(true, constant, mixed);
        assertArrayEquals(new double[]{0, 0, 0}, out.get(0).advantages(), 0.0);
        for (double v : out.get(1).advantages()) {
            assertTrue(Double.isFinite(v) && v != 0);
        }
    }

    @Test
    void oneRewardWithoutBatchNormIsGrpo() {
        // single correct rollout 1, 0, 0, 0 and G = 2 (1, 0): the GRPO numbers (1.5, −0.5, ...) and ±0.707106
        for (double[] r : new double[][]{{1, 0, 0, 0}, {1, 0}, {0.3, 0.9, 0.5}}) {
            RewardGroup g = RewardGroup.scalar("p", 1, r);
            assertArrayEquals(grpo(g).get(0).advantages(), gdpo(false, g).get(0).advantages(), TOL);
        }
        assertArrayEquals(new double[]{1.5, -0.5, -0.5, -0.5},
                gdpo(false, RewardGroup.scalar("p", 1, 1, 0, 0, 0)).get(0).advantages(), 1e-5);
    }

    @Test
    void batchNormOfTwoRolloutGroups() {
        // G = 2, one reward: groups (1, 0) and (0, 1): pre-normalisation ±u, ∓u with u = 0.707106;
        // batch mean 0, sample std u · sqrt(4/3); A = ±0.866025
        List<GroupAdvantages> out = gdpo(true, RewardGroup.scalar("a", 1, 1, 0), RewardGroup.scalar("b", 1, 0, 1));
        double u = 0.5 / (Math.sqrt(0.5) + EPS);
        double std = u * Math.sqrt(4.0 / 3) + EPS;
        assertArrayEquals(new double[]{u / std, -u / std}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{-u / std, u / std}, out.get(1).advantages(), TOL);
        assertEquals(0.866025, out.get(0).advantages()[0], 1e-6);
        assertTrue(new DecoupledRewardAdvantage(true).advantages(List.of()).isEmpty());
    }

    @Test
    void nonFiniteRewardsAreRefusedWithTheGroupNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> gdpo(true,
                twoRewards("prompt-5", new double[]{1, 1}, new double[]{Double.NaN, 0}, new double[]{0, 0})));
        assertTrue(e.getMessage().contains("prompt-5"), e.getMessage());
    }
}
