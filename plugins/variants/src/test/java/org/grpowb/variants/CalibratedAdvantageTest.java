package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.junit.jupiter.api.Test;

/** NGRPO advantage calibration on hand-built groups: mean and sample std over the G rewards plus r_max. */
class CalibratedAdvantageTest {

    private static final double EPS = GroupNormalizedAdvantage.STD_EPSILON;
    private static final double TOL = 1e-12;

    private static GroupAdvantages one(int virtual, double maxReward, double... rewards) {
        List<GroupAdvantages> out = new CalibratedAdvantage(virtual).advantages(List.of(RewardGroup.scalar("p", maxReward, rewards)));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void thePapersCaseOneCorrectInEight() {
        // rewards 1, 0 × 7 and r_max = 1: the nine values 1, 1, 0 × 7 have mean 2/9, squared deviations
        // 2 · (7/9)² + 7 · (2/9)² = 14/9, std = sqrt(14/9 / 8) = sqrt(7)/6 = 0.440959;
        // A = (7/9) / 0.440960 = 1.763834 for the correct one, (−2/9) / 0.440960 = −0.503953 for the others.
        // The paper's worked case: NGRPO 1.76 and −0.50, where GRPO gives 2.47 and −0.35.
        double[] r = {1, 0, 0, 0, 0, 0, 0, 0};
        GroupAdvantages a = one(1, 1, r);
        double s = Math.sqrt(7) / 6 + EPS;
        assertEquals((7.0 / 9) / s, a.advantages()[0], TOL);
        for (int i = 1; i < 8; i++) {
            assertEquals((-2.0 / 9) / s, a.advantages()[i], TOL);
        }
        assertEquals(1.76, a.advantages()[0], 0.005);
        assertEquals(-0.50, a.advantages()[1], 0.005);
        assertEquals(2.0 / 9, a.baseline(), TOL);

        GroupAdvantages grpo = new GroupNormalizedAdvantage(RewardScaling.GROUP).advantages(List.of(RewardGroup.scalar("p", 1, r))).get(0);
        assertEquals(2.47, grpo.advantages()[0], 0.005);
        assertEquals(-0.35, grpo.advantages()[1], 0.005);
    }

    @Test
    void anAllWrongGroupGetsNegativeAdvantages() {
        // rewards 0, 0, 0, 0 and r_max = 1: values 0, 0, 0, 0, 1, mean 0.2, squared deviations 4 · 0.04 + 0.64 = 0.8,
        // std = sqrt(0.8 / 4) = 0.447214; A = −0.2 / 0.447215 = −0.447213 for every rollout (GRPO: 0)
        GroupAdvantages a = one(1, 1, 0, 0, 0, 0);
        double s = Math.sqrt(0.2) + EPS;
        assertArrayEquals(new double[]{-0.2 / s, -0.2 / s, -0.2 / s, -0.2 / s}, a.advantages(), TOL);
        assertEquals(-0.447213, a.advantages()[0], 1e-6);
        assertEquals(0.2, a.baseline(), TOL);
        // r̃ holds the four real rollouts only, not the virtual r_max
        assertArrayEquals(new double[]{0, 0, 0, 0}, a.rewards(), 0.0);
        assertArrayEquals(new boolean[]{true, true, true, true}, a.keep());
    }

    @Test
    void anAllCorrectGroupStaysAtExactlyZero() {
        GroupAdvantages a = one(1, 1, 1, 1, 1, 1);
        assertArrayEquals(new double[]{0, 0, 0, 0}, a.advantages(), 0.0);
        assertTrue(a.allZero());
        assertEquals(1.0, a.baseline(), 0.0);
        // r_max = 0.1 is not exact in binary: equality, not a computed std, decides
        assertTrue(one(1, 0.1, 0.1, 0.1, 0.1).allZero());
    }

    @Test
    void singleCorrectRolloutOfThree() {
        // rewards 1, 0, 0: values 1, 0, 0, 1, mean 0.5, squared deviations 4 · 0.25 = 1, std = sqrt(1/3) = 0.577350;
        // A = ±0.5 / 0.577351 = ±0.866024 (GRPO: 1.154700, −0.577350)
        GroupAdvantages a = one(1, 1, 1, 0, 0);
        double s = Math.sqrt(1.0 / 3) + EPS;
        assertArrayEquals(new double[]{0.5 / s, -0.5 / s, -0.5 / s}, a.advantages(), TOL);
        assertEquals(0.866024, a.advantages()[0], 1e-6);
    }

    @Test
    void twoRollouts() {
        // G = 2, rewards 1, 0: values 1, 0, 1, mean 2/3, squared deviations 2/9 + 4/9 = 2/3, std = sqrt(1/3);
        // A = (1/3) / 0.577351 = 0.577349 and (−2/3) / 0.577351 = −1.154698
        GroupAdvantages a = one(1, 1, 1, 0);
        double s = Math.sqrt(1.0 / 3) + EPS;
        assertArrayEquals(new double[]{(1.0 / 3) / s, (-2.0 / 3) / s}, a.advantages(), TOL);
        assertEquals(2.0 / 3, a.baseline(), TOL);
    }

    @Test
    void moreVirtualRolloutsPushHarder() {
        // V = 2, rewards 0, 0: values 0, 0, 1, 1, mean 0.5, std = sqrt(1/3); A = −0.866024 each (V = 1: −0.577349)
        GroupAdvantages a = one(2, 1, 0, 0);
        double s = Math.sqrt(1.0 / 3) + EPS;
        assertArrayEquals(new double[]{-0.5 / s, -0.5 / s}, a.advantages(), TOL);
        assertEquals(-0.577349, one(1, 1, 0, 0).advantages()[0], 1e-6);
    }

    @Test
    void theMaximumIsTheGroupsWeightedMaximum() {
        // components (correct, format), weights (1, 0.5), r_max = 1.5; totals 0.5, 0.5: values 0.5, 0.5, 1.5,
        // mean 5/6, squared deviations 2 · 1/9 + 4/9 = 2/3, std = sqrt(1/3); A = (−1/3) / 0.577351 = −0.577349 each
        RewardGroup g = new RewardGroup("p", List.of("correct", "format"), new double[][]{{0, 1}, {0, 1}},
                new double[]{1, 0.5}, 1.5);
        GroupAdvantages a = new CalibratedAdvantage(1).advantages(List.of(g)).get(0);
        double s = Math.sqrt(1.0 / 3) + EPS;
        assertArrayEquals(new double[]{(-1.0 / 3) / s, (-1.0 / 3) / s}, a.advantages(), TOL);
        assertEquals(5.0 / 6, a.baseline(), TOL);
    }

    @Test
    void theVirtualRolloutHasTheRewardFunctionsBestScoreNotOne() {
        // a reward scored in [0, 5] (maxReward 5): rewards 0, 5, 0, 0 plus the virtual 5: values 0, 5, 0, 0, 5,
        // mean 2, deviations −2, 3, −2, −2, 3, squared sum 30, std = √(30/4) = 2.738613; A = −0.730297, 1.095445, ...
        GroupAdvantages a = one(1, 5, 0, 5, 0, 0);
        double s = Math.sqrt(7.5) + EPS;
        assertArrayEquals(new double[]{-2 / s, 3 / s, -2 / s, -2 / s}, a.advantages(), TOL);
        assertArrayEquals(new double[]{-0.730297, 1.095445, -0.730297, -0.730297}, a.advantages(), 1e-6);
        assertEquals(2.0, a.baseline(), TOL);
        // a virtual 1, as if rewards lay in [0, 1], would rank the correct rollout far less:
        // values 0, 5, 0, 0, 1, mean 1.2, A_correct = 3.8 / √(Σ d² / 4) with Σ d² = 3 · 1.44 + 14.44 + 0.04 = 18.8
        assertEquals(3.8 / (Math.sqrt(18.8 / 4) + EPS), one(1, 1, 0, 5, 0, 0).advantages()[1], TOL);
        // an all-wrong group under a 5-point reward: values 1, 1, 1, 5, mean 2, std = √(12/3) = 2: A = −0.5 each
        assertArrayEquals(new double[]{-1 / (2 + EPS), -1 / (2 + EPS), -1 / (2 + EPS)}, one(1, 5, 1, 1, 1).advantages(),
                TOL);
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CalibratedAdvantage(0));
        var e = assertThrows(IllegalArgumentException.class, () -> new CalibratedAdvantage(1)
                .advantages(List.of(RewardGroup.scalar("prompt-9", Double.NaN, 1, 0))));
        assertTrue(e.getMessage().contains("prompt-9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CalibratedAdvantage(1)
                .advantages(List.of(RewardGroup.scalar("p", 1, Double.POSITIVE_INFINITY, 0))));
    }
}
