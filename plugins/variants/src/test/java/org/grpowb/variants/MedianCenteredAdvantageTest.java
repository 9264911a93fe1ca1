package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.grpowb.variants.MedianCenteredAdvantage.Scale;
import org.junit.jupiter.api.Test;

/**
 * MC-GRPO advantages on hand-built groups of G + 1 rollouts: the median of the G + 1 rewards is the baseline, the
 * rollout at the median position (stable order) is masked, std is the sample one over all G + 1.
 */
class MedianCenteredAdvantageTest {

    private static final double EPS = GroupNormalizedAdvantage.STD_EPSILON;
    private static final double TOL = 1e-12;

    private static GroupAdvantages one(Scale scale, double... rewards) {
        List<GroupAdvantages> out = new MedianCenteredAdvantage(scale).advantages(List.of(RewardGroup.scalar("p", 1, rewards)));
        assertEquals(1, out.size());
        return out.get(0);
    }

    private static int masked(GroupAdvantages a) {
        int n = 0;
        for (boolean k : a.keep()) {
            n += k ? 0 : 1;
        }
        return n;
    }

    @Test
    void twoRolloutsPlusOneWithOneCorrect() {
        // G = 2, G + 1 = 3: rewards 1, 0, 0; sorted stably rollouts 1, 2, 0, the pivot (position 1) is rollout 2, m = 0;
        // std(1, 0, 0) = sqrt(1/3) = 0.577350; A = 1 / 0.577351 = 1.732048 for the correct one, 0 for the wrong ones.
        // The mean baseline (1/3) would push both wrong rollouts down; the median keeps the one that carries gradient at 0.
        GroupAdvantages a = one(Scale.STD, 1, 0, 0);
        double s = Math.sqrt(1.0 / 3) + EPS;
        assertArrayEquals(new double[]{1 / s, 0, 0}, a.advantages(), TOL);
        assertEquals(1.732048, a.advantages()[0], 1e-6);
        assertArrayEquals(new boolean[]{true, true, false}, a.keep());
        assertEquals(0.0, a.baseline(), 0.0);
    }

    @Test
    void twoRolloutsPlusOneWithTwoCorrect() {
        // rewards 1, 1, 0: sorted rollouts 2, 0, 1, pivot rollout 0, m = 1; A = 0, 0, −1 / 0.577351 = −1.732048
        GroupAdvantages a = one(Scale.STD, 1, 1, 0);
        double s = Math.sqrt(1.0 / 3) + EPS;
        assertArrayEquals(new double[]{0, 0, -1 / s}, a.advantages(), TOL);
        assertArrayEquals(new boolean[]{false, true, true}, a.keep());
        assertEquals(1.0, a.baseline(), 0.0);
    }

    @Test
    void singleCorrectRolloutOfFivePlusOne() {
        // G + 1 = 5, rewards 1, 0, 0, 0, 0: m = 0; mean 0.2, squared deviations 0.64 + 4 · 0.04 = 0.8, std = sqrt(0.8 / 4)
        // = 0.447214; A = 1 / 0.447215 = 2.236063 for the correct one; sorted rollouts 1, 2, 3, 4, 0: the pivot is rollout 3
        GroupAdvantages a = one(Scale.STD, 1, 0, 0, 0, 0);
        double s = Math.sqrt(0.2) + EPS;
        assertArrayEquals(new double[]{1 / s, 0, 0, 0, 0}, a.advantages(), TOL);
        assertEquals(2.236063, a.advantages()[0], 1e-6);
        assertArrayEquals(new boolean[]{true, true, true, false, true}, a.keep());
    }

    @Test
    void graded() {
        // rewards 0.9, 0.1, 0.5, 0.3, 0.7: sorted rollouts 1, 3, 2, 4, 0, pivot rollout 2, m = 0.5;
        // deviations 0.4, −0.4, 0, −0.2, 0.2, squared sum 0.4, std = sqrt(0.4 / 4) = 0.316228;
        // A = 1.264907, −1.264907, 0, −0.632453, 0.632453; scale none: 0.4, −0.4, 0, −0.2, 0.2
        GroupAdvantages a = one(Scale.STD, 0.9, 0.1, 0.5, 0.3, 0.7);
        double s = Math.sqrt(0.1) + EPS;
        assertArrayEquals(new double[]{0.4 / s, -0.4 / s, 0, -0.2 / s, 0.2 / s}, a.advantages(), 1e-12);
        assertArrayEquals(new double[]{1.264907, -1.264907, 0, -0.632453, 0.632453}, a.advantages(), 1e-6);
        assertArrayEquals(new boolean[]{true, true, false, true, true}, a.keep());
        assertEquals(0.5, a.baseline(), 0.0);
        assertArrayEquals(new double[]{0.9, 0.1, 0.5, 0.3, 0.7}, a.rewards(), 0.0);

        GroupAdvantages none = one(Scale.NONE, 0.9, 0.1, 0.5, 0.3, 0.7);
        assertArrayEquals(new double[]{0.4, -0.4, 0, -0.2, 0.2}, none.advantages(), 1e-15);
    }

    @Test
    void madScaleOfGradedRewards() {
        // rewards 0.9, 0.1, 0.5, 0.3, 0.7: m = 0.5; |r − m| = 0.4, 0.4, 0, 0.2, 0.2, sorted 0, 0.2, 0.2, 0.4, 0.4, MAD 0.2;
        // scale 0.2 + 0.001 = 0.201: 1.990050, −1.990050, 0, −0.995025, 0.995025;
        // 4 of the 5 are non-zero, so they are multiplied by 5/4: 2.487562, −2.487562, 0, −1.243781, 1.243781
        GroupAdvantages a = one(Scale.MAD, 0.9, 0.1, 0.5, 0.3, 0.7);
        double k = 1.25 / 0.201;
        assertArrayEquals(new double[]{0.4 * k, -0.4 * k, 0, -0.2 * k, 0.2 * k}, a.advantages(), 1e-12);
        assertArrayEquals(new double[]{2.487562, -2.487562, 0, -1.243781, 1.243781}, a.advantages(), 1e-6);
        assertArrayEquals(new boolean[]{true, true, false, true, true}, a.keep());
        assertEquals(0.5, a.baseline(), 0.0);
        assertEquals(0.2, MedianCenteredAdvantage.medianAbsoluteDeviation(new double[]{0.9, 0.1, 0.5, 0.3, 0.7}, 0.5),
                1e-15);
    }

    @Test
    void madScaleOfZeroOneRewardsIsTheAuthorsConstant() {
        // rewards 1, 0, 0 (G + 1 = 3): m = 0, |r − m| = 1, 0, 0, MAD = 0, scale 0.001: A = 1000, 0, 0;
        // one non-zero of three: × 3 → 3000. Rewards 1, 1, 0: m = 1, A = 0, 0, −1000 → −3000.
        assertArrayEquals(new double[]{3000, 0, 0}, one(Scale.MAD, 1, 0, 0).advantages(), 1e-9);
        assertArrayEquals(new double[]{0, 0, -3000}, one(Scale.MAD, 1, 1, 0).advantages(), 1e-9);
        // G + 1 = 5, rewards 1, 1, 0, 0, 0: m = 0, MAD = 0; two non-zero of five: 1000 · 5/2 = 2500 each
        assertArrayEquals(new double[]{2500, 2500, 0, 0, 0}, one(Scale.MAD, 1, 1, 0, 0, 0).advantages(), 1e-9);
        // all equal: zeros, nothing to re-weight
        assertTrue(one(Scale.MAD, 0.3, 0.3, 0.3).allZero());
    }

    @Test
    void madReweightingGivesGroupsWithFewerSignalCarriersMore() {
        // two groups of 5 around m = 0.5, each rollout off by 0.2 or on the median:
        //   0.7, 0.3, 0.5, 0.5, 0.5 → MAD 0 (three at the median) → scale 0.001: ±200, two non-zero → × 5/2 = ±500
        //   0.7, 0.3, 0.5, 0.7, 0.3 → MAD 0.2 → scale 0.201: ±0.995025 on four → × 5/4 = ±1.243781
        List<GroupAdvantages> out = new MedianCenteredAdvantage(Scale.MAD).advantages(List.of(
                RewardGroup.scalar("a", 1, 0.7, 0.3, 0.5, 0.5, 0.5), RewardGroup.scalar("b", 1, 0.7, 0.3, 0.5, 0.7, 0.3)));
        assertArrayEquals(new double[]{500, -500, 0, 0, 0}, out.get(0).advantages(), 1e-9);
        double k = 1.25 * 0.2 / 0.201;
        assertArrayEquals(new double[]{k, -k, 0, k, -k}, out.get(1).advantages(), 1e-12);
    }

    @Test
    void allEqualRewardsGiveZerosAndStillOnePivot() {
        for (double[] r : new double[][]{{0, 0, 0}, {1, 1, 1, 1, 1}, {0.1, 0.1, 0.1}}) {
            for (Scale scale : Scale.values()) {
                GroupAdvantages a = one(scale, r);
                for (double v : a.advantages()) {
                    assertEquals(0.0, v, 0.0);
                }
                assertEquals(1, masked(a));
                assertTrue(a.allZero());
                assertEquals(r[0], a.baseline(), 0.0);
            }
        }
        // ties keep sampling order: five equal rewards, the pivot is the middle rollout
        assertArrayEquals(new boolean[]{true, true, false, true, true}, one(Scale.STD, 1, 1, 1, 1, 1).keep());
    }

    @Test
    void exactlyOnePivotInEveryGroup() {
        double[][] groups = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0, 0, 1}, {0.2, 0.2, 0.9}, {3, 1, 4, 1, 5, 9, 2}};
        for (double[] r : groups) {
            GroupAdvantages a = one(Scale.STD, r);
            assertEquals(1, masked(a));
            int pivot = MedianCenteredAdvantage.pivot(r);
            assertEquals(false, a.keep()[pivot]);
            assertEquals(0.0, a.advantages()[pivot], 0.0);
            assertEquals(r[pivot], a.baseline(), 0.0);
        }
    }

    @Test
    void anEvenCountUsesTheLowerMedian() {
        // four rewards 3, 1, 4, 2 (G = 3, G + 1 = 4): sorted rollouts 1, 3, 0, 2, position ⌊3/2⌋ = 1: rollout 3, m = 2
        GroupAdvantages a = one(Scale.NONE, 3, 1, 4, 2);
        assertArrayEquals(new double[]{1, -1, 2, 0}, a.advantages(), 0.0);
        assertArrayEquals(new boolean[]{true, true, true, false}, a.keep());
        assertEquals(2.0, a.baseline(), 0.0);
    }

    @Test
    void aSingleRolloutIsItsOwnPivotAndAnEmptyGroupIsEmpty() {
        GroupAdvantages single = one(Scale.STD, 1);
        assertArrayEquals(new double[]{0}, single.advantages(), 0.0);
        assertArrayEquals(new boolean[]{false}, single.keep());
        GroupAdvantages empty = new MedianCenteredAdvantage(Scale.STD).advantages(List.of(new RewardGroup("e",
                List.of("reward"), new double[0][], new double[]{1}, 1))).get(0);
        assertEquals(0, empty.advantages().length);
    }

    @Test
    void groupsKeepTheirOrderAndNonFiniteRewardsAreRefused() {
        List<GroupAdvantages> out = new MedianCenteredAdvantage(Scale.NONE).advantages(List.of(
                RewardGroup.scalar("a", 1, 1, 0, 0), RewardGroup.scalar("b", 1, 1, 1, 0)));
        assertArrayEquals(new double[]{1, 0, 0}, out.get(0).advantages(), 0.0);
        assertArrayEquals(new double[]{0, 0, -1}, out.get(1).advantages(), 0.0);
        var e = assertThrows(IllegalArgumentException.class, () -> new MedianCenteredAdvantage(Scale.STD)
                .advantages(List.of(RewardGroup.scalar("prompt-3", 1, 1, Double.NaN, 0))));
        assertTrue(e.getMessage().contains("prompt-3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Scale.of("iqr"));
        assertEquals(Scale.MAD, Scale.of("mad"));
    }
}
