package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.junit.jupiter.api.Test;

/** GRPO advantages on hand-built groups; std is the sample one (n − 1), as torch.std in TRL. */
class GroupNormalizedAdvantageTest {

    private static final double EPS = GroupNormalizedAdvantage.STD_EPSILON;
    private static final double TOL = 1e-12;

    private static GroupAdvantages one(RewardScaling scaling, RewardGroup group) {
        List<GroupAdvantages> out = new GroupNormalizedAdvantage(scaling).advantages(List.of(group));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void mixedGroup() {
        // rewards 1, 0.5, 0, 0.5: mean 0.5, squared deviations 0.25 + 0 + 0.25 + 0 = 0.5,
        // std = sqrt(0.5 / 3) = 0.408248..., so A = ±0.5 / (0.408248 + 1e-6) = ±1.224742, and 0 for the 0.5s
        GroupAdvantages a = one(RewardScaling.GROUP, RewardGroup.scalar("p", 1, 1, 0.5, 0, 0.5));
        double std = Math.sqrt(0.5 / 3);
        assertArrayEquals(new double[]{0.5 / (std + EPS), 0, -0.5 / (std + EPS), 0}, a.advantages(), TOL);
        assertEquals(1.224742, a.advantages()[0], 1e-6);
        assertEquals(0.5, a.baseline(), TOL);
        assertArrayEquals(new boolean[]{true, true, true, true}, a.keep());
    }

    @Test
    void allEqualRewardsGiveExactlyZero() {
        GroupAdvantages ones = one(RewardScaling.GROUP, RewardGroup.scalar("p", 1, 1, 1, 1, 1));
        assertArrayEquals(new double[]{0, 0, 0, 0}, ones.advantages(), 0.0);
        assertEquals(1.0, ones.baseline(), 0.0);
        assertTrue(ones.allZero());
        // 0.1 · 3 / 3 is not 0.1 in binary; dividing the residue by 1e-6 would give a spurious ±1e-11
        GroupAdvantages tenths = one(RewardScaling.GROUP, RewardGroup.scalar("p", 1, 0.1, 0.1, 0.1));
        assertArrayEquals(new double[]{0, 0, 0}, tenths.advantages(), 0.0);
        assertTrue(tenths.allZero());
        for (RewardScaling s : RewardScaling.values()) {
            assertTrue(one(s, RewardGroup.scalar("p", 1, 0, 0, 0)).allZero(), s.name());
        }
    }

    @Test
    void singleCorrectRollout() {
        // rewards 1, 0, 0, 0: mean 0.25, squared deviations 0.5625 + 3 · 0.0625 = 0.75, std = sqrt(0.75 / 3) = 0.5,
        // so A = 0.75 / 0.500001 ≈ 1.5 for the correct one and −0.25 / 0.500001 ≈ −0.5 for the others
        GroupAdvantages a = one(RewardScaling.GROUP, RewardGroup.scalar("p", 1, 1, 0, 0, 0));
        double s = 0.5 + EPS;
        assertArrayEquals(new double[]{0.75 / s, -0.25 / s, -0.25 / s, -0.25 / s}, a.advantages(), TOL);
        assertEquals(1.5, a.advantages()[0], 1e-5);
        assertEquals(0.25, a.baseline(), TOL);
    }

    @Test
    void twoRollouts() {
        // G = 2, rewards 1, 0: mean 0.5, std = sqrt(0.5 / 1) = 0.707107 (the population std would be 0.5 and give ±1),
        // so A = ±0.5 / 0.707108 = ±0.707106
        GroupAdvantages a = one(RewardScaling.GROUP, RewardGroup.scalar("p", 1, 1, 0));
        double s = Math.sqrt(0.5) + EPS;
        assertArrayEquals(new double[]{0.5 / s, -0.5 / s}, a.advantages(), TOL);
        assertEquals(0.707106, a.advantages()[0], 1e-6);
    }

    @Test
    void singleRolloutHasNoSpreadAndZeroAdvantage() {
        GroupAdvantages a = one(RewardScaling.GROUP, RewardGroup.scalar("p", 1, 1));
        assertArrayEquals(new double[]{0}, a.advantages(), 0.0);
    }

    @Test
    void weightedComponentsAreSummedBeforeNormalising() {
        // components (correct, format) with weights (1, 0.5): rollouts (1, 1), (0, 1), (0, 0) total 1.5, 0.5, 0;
        // mean 2/3, deviations 5/6, −1/6, −2/3, squared sum 42/36 = 7/6, std = sqrt(7/12) = 0.763763,
        // A = 1.091088, −0.218218, −0.872870
        RewardGroup g = new RewardGroup("p", List.of("correct", "format"),
                new double[][]{{1, 1}, {0, 1}, {0, 0}}, new double[]{1, 0.5}, 1.5);
        GroupAdvantages a = one(RewardScaling.GROUP, g);
        double s = Math.sqrt(7.0 / 12) + EPS;
        assertArrayEquals(new double[]{(5.0 / 6) / s, (-1.0 / 6) / s, (-2.0 / 3) / s}, a.advantages(), TOL);
        assertArrayEquals(new double[]{1.091088, -0.218218, -0.872870}, a.advantages(), 1e-6);
        assertEquals(2.0 / 3, a.baseline(), TOL);
        // r̃ for sign flips: the weighted totals the estimator centred
        assertArrayEquals(new double[]{1.5, 0.5, 0}, a.rewards(), TOL);
    }

    @Test
    void batchScalingUsesOneStdButGroupMeans() {
        // groups (1, 0) and (1, 1): the batch 1, 0, 1, 1 has mean 0.75, squared deviations 3 · 0.0625 + 0.5625 = 0.75,
        // std = sqrt(0.75 / 3) = 0.5; group one is centred by its own mean 0.5, so A = ±0.5 / 0.500001 ≈ ±1
        // (group scaling would give ±0.707); group two has equal rewards and A = 0
        List<GroupAdvantages> out = new GroupNormalizedAdvantage(RewardScaling.BATCH).advantages(List.of(
                RewardGroup.scalar("a", 1, 1, 0), RewardGroup.scalar("b", 1, 1, 1)));
        double s = 0.5 + EPS;
        assertArrayEquals(new double[]{0.5 / s, -0.5 / s}, out.get(0).advantages(), TOL);
        assertEquals(0.5, out.get(0).baseline(), TOL);
        assertArrayEquals(new double[]{0, 0}, out.get(1).advantages(), 0.0);
        assertEquals(1.0, out.get(1).baseline(), TOL);
    }

    @Test
    void noScalingOnlyCentres() {
        // rewards 1, 0, 0: mean 1/3, A = 2/3, −1/3, −1/3
        GroupAdvantages a = one(RewardScaling.NONE, RewardGroup.scalar("p", 1, 1, 0, 0));
        assertArrayEquals(new double[]{2.0 / 3, -1.0 / 3, -1.0 / 3}, a.advantages(), TOL);
        assertEquals(1.0 / 3, a.baseline(), TOL);
    }

    @Test
    void groupsKeepTheirOrder() {
        List<GroupAdvantages> out = new GroupNormalizedAdvantage(RewardScaling.NONE).advantages(List.of(
                RewardGroup.scalar("a", 1, 1, 0), RewardGroup.scalar("b", 1, 0, 1), RewardGroup.scalar("c", 1)));
        assertEquals(3, out.size());
        assertArrayEquals(new double[]{0.5, -0.5}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{-0.5, 0.5}, out.get(1).advantages(), TOL);
        assertEquals(0, out.get(2).advantages().length);
        assertTrue(new GroupNormalizedAdvantage(RewardScaling.BATCH).advantages(List.of()).isEmpty());
    }

    @Test
    void nonFiniteRewardIsRefusedWithTheGroupNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GroupNormalizedAdvantage(RewardScaling.GROUP)
                .advantages(List.of(RewardGroup.scalar("prompt-7", 1, 1, Double.NaN))));
        assertTrue(e.getMessage().contains("prompt-7"), e.getMessage());
    }

    @Test
    void sampleStdDividesByNMinusOne() {
        // 1, 0, 0: squared deviations 4/9 + 1/9 + 1/9 = 2/3, divided by n − 1 = 2
        assertEquals(Math.sqrt(1.0 / 3), GroupNormalizedAdvantage.sampleStd(new double[]{1, 0, 0}), TOL);
        assertEquals(0.0, GroupNormalizedAdvantage.sampleStd(new double[]{3}), 0.0);
        assertEquals(0.0, GroupNormalizedAdvantage.sampleStd(new double[]{}), 0.0);
    }
}
