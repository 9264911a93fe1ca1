package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.grpowb.variants.AsymmetricGroupAdvantage.Schedule;
import org.junit.jupiter.api.Test;

/**
 * A-GRAE on hand-built groups. The running example: rewards 1, 0.28, 1, 0.28 with r_max = 1 and scale_rewards none,
 * so A = ±0.36, the success rate p = 0.64 and √p = 0.8:
 * <pre>
 *   easy = 0.5 A / (1 − 0.8) = 2.5 A        hard = 0.5 A / 0.8 = 0.625 A
 *   A'   = (1 − s) · 2.5 A + s · 0.625 A,   then × min(1, s / α) where A' > 0
 * </pre>
 */
class AsymmetricGroupAdvantageTest {

    private static final double EPS = 1e-6;
    private static final double TOL = 1e-12;

    private static final RewardGroup RUNNING = RewardGroup.scalar("p", 1, 1, 0.28, 1, 0.28);

    private static GroupAdvantages one(AsymmetricGroupAdvantage estimator, RewardGroup group, double progress) {
        List<GroupAdvantages> out = estimator.advantages(List.of(group), progress);
        assertEquals(1, out.size());
        return out.get(0);
    }

    private static double easy(double a, double root) {
        return 0.5 * a / (1 - root + EPS);
    }

    private static double hard(double a, double root) {
        return 0.5 * a / (root + EPS);
    }

    @Test
    void accuracyScheduleOfTheRunningExample() {
        // one group, so the batch accuracy s = p = 0.64: A' = 0.36 · 2.5 A + 0.64 · 0.625 A = 1.3 A;
        // λ_pos = min(1, 0.64 / 1) = 0.64: A' = 0.36 · 1.3 · 0.64 = 0.29952 for the correct, −0.468 for the others
        var estimator = new AsymmetricGroupAdvantage(RewardScaling.NONE, Schedule.ACCURACY, 1.0);
        GroupAdvantages a = one(estimator, RUNNING, 0.9);
        double pos = 0.64 * (0.36 * easy(0.36, 0.8) + 0.64 * hard(0.36, 0.8));
        double neg = 0.36 * easy(-0.36, 0.8) + 0.64 * hard(-0.36, 0.8);
        assertArrayEquals(new double[]{pos, neg, pos, neg}, a.advantages(), TOL);
        assertEquals(0.29952, pos, 1e-5);
        assertEquals(-0.468, neg, 1e-5);
        assertEquals(0.64, a.baseline(), TOL);
        assertArrayEquals(new boolean[]{true, true, true, true}, a.keep());
        // A-GRAE reweights advantages; r̃ is still the reward
        assertArrayEquals(new double[]{1, 0.28, 1, 0.28}, a.rewards(), 0.0);
        // the training progress does not matter for this schedule, and advantages(batch) is the same
        assertArrayEquals(a.advantages(), estimator.advantages(List.of(RUNNING)).get(0).advantages(), 0.0);
    }

    @Test
    void progressScheduleMovesFromEasyToHard() {
        var estimator = new AsymmetricGroupAdvantage(RewardScaling.NONE, Schedule.PROGRESS, 1.0);
        // progress 0: s = 0, easy focus, λ_pos = 0: positives suppressed entirely, negatives 2.5 A = −0.9
        GroupAdvantages start = one(estimator, RUNNING, 0.0);
        assertArrayEquals(new double[]{0, easy(-0.36, 0.8), 0, easy(-0.36, 0.8)}, start.advantages(), TOL);
        assertEquals(-0.9, start.advantages()[1], 1e-5);
        // progress 0.5: A' = 0.5 · 2.5 A + 0.5 · 0.625 A = 1.5625 A, λ_pos = 0.5
        GroupAdvantages middle = one(estimator, RUNNING, 0.5);
        double mid = 0.5 * easy(0.36, 0.8) + 0.5 * hard(0.36, 0.8);
        assertArrayEquals(new double[]{0.5 * mid, -mid, 0.5 * mid, -mid}, middle.advantages(), TOL);
        // progress 1: hard focus 0.625 A = ±0.225, λ_pos = 1
        GroupAdvantages end = one(estimator, RUNNING, 1.0);
        assertArrayEquals(new double[]{hard(0.36, 0.8), hard(-0.36, 0.8), hard(0.36, 0.8), hard(-0.36, 0.8)},
                end.advantages(), TOL);
        assertEquals(0.225, end.advantages()[0], 1e-5);
        // advantages(batch) reads progress 0
        assertArrayEquals(start.advantages(), estimator.advantages(List.of(RUNNING)).get(0).advantages(), 0.0);
    }

    @Test
    void singleCorrectRolloutOfFour() {
        // rewards 1, 0, 0, 0: GRPO's A = 1.5, −0.5, −0.5, −0.5 (÷ 0.500001); p = 0.25, √p = 0.5, so easy = hard = A;
        // s = 0.25 (one group): λ_pos = 0.25 with α = 1 and 0.5 with α = 0.5
        RewardGroup g = RewardGroup.scalar("p", 1, 1, 0, 0, 0);
        double[] base = new GroupNormalizedAdvantage(RewardScaling.GROUP).advantages(List.of(g)).get(0).advantages();
        double[] reshaped = new double[4];
        for (int i = 0; i < 4; i++) {
            reshaped[i] = 0.75 * easy(base[i], 0.5) + 0.25 * hard(base[i], 0.5);
        }
        GroupAdvantages a = one(new AsymmetricGroupAdvantage(RewardScaling.GROUP, Schedule.ACCURACY, 1.0), g, 0);
        assertArrayEquals(new double[]{0.25 * reshaped[0], reshaped[1], reshaped[2], reshaped[3]}, a.advantages(), TOL);
        assertArrayEquals(new double[]{0.375, -0.5, -0.5, -0.5}, a.advantages(), 1e-5);
        GroupAdvantages halfAlpha = one(new AsymmetricGroupAdvantage(RewardScaling.GROUP, Schedule.ACCURACY, 0.5), g, 0);
        assertEquals(0.75, halfAlpha.advantages()[0], 1e-5);
    }

    @Test
    void theClockIsTheBatchAccuracy() {
        // groups 1, 0, 0, 0 (p = 0.25) and 1, 1, 1, 1 (p = 1): s = 0.625, λ_pos = 0.625; the all-correct group stays 0
        RewardGroup one = RewardGroup.scalar("a", 1, 1, 0, 0, 0);
        RewardGroup solved = RewardGroup.scalar("b", 1, 1, 1, 1, 1);
        List<GroupAdvantages> out = new AsymmetricGroupAdvantage(RewardScaling.NONE, Schedule.ACCURACY, 1.0)
                .advantages(List.of(one, solved), 0);
        // scale none: A = 0.75, −0.25 × 3; √p = 0.5 so easy = hard = A · 0.5 / 0.500001
        double k = 0.5 / (0.5 + EPS);
        assertArrayEquals(new double[]{0.625 * 0.75 * k, -0.25 * k, -0.25 * k, -0.25 * k}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{0, 0, 0, 0}, out.get(1).advantages(), 0.0);
    }

    @Test
    void twoRollouts() {
        // G = 2, rewards 1, 0: GRPO's A = ±0.707106; p = 0.5, √p = 0.707107; s = 0.5:
        // A' = 0.5 · 0.5 A / 0.292894 + 0.5 · 0.5 A / 0.707108 = 1.207106 A; λ_pos = 0.5
        RewardGroup g = RewardGroup.scalar("p", 1, 1, 0);
        double u = 0.5 / (Math.sqrt(0.5) + GroupNormalizedAdvantage.STD_EPSILON);
        double root = Math.sqrt(0.5);
        double pos = 0.5 * (0.5 * easy(u, root) + 0.5 * hard(u, root));
        double neg = 0.5 * easy(-u, root) + 0.5 * hard(-u, root);
        GroupAdvantages a = one(new AsymmetricGroupAdvantage(RewardScaling.GROUP, Schedule.ACCURACY, 1.0), g, 0);
        assertArrayEquals(new double[]{pos, neg}, a.advantages(), TOL);
        assertEquals(0.5 * 1.207106 * 0.707106, a.advantages()[0], 1e-5);
    }

    @Test
    void allEqualRewardsStayAtZeroWithoutNaN() {
        for (Schedule schedule : Schedule.values()) {
            var estimator = new AsymmetricGroupAdvantage(RewardScaling.GROUP, schedule, 1.0);
            for (double[] r : new double[][]{{0, 0, 0, 0}, {1, 1, 1}, {0.1, 0.1}}) {
                for (double progress : new double[]{0, 0.5, 1}) {
                    GroupAdvantages a = one(estimator, RewardGroup.scalar("p", 1, r), progress);
                    assertTrue(a.allZero());
                    for (double v : a.advantages()) {
                        assertEquals(0.0, v, 0.0);
                    }
                }
            }
        }
    }

    @Test
    void successRatesAreClampedSoPenaltyRewardsStayFinite() {
        // rewards −1, 0, −1, 0 (a penalty, nothing succeeds): p = 0 is clamped to 1/G = 0.25, √ = 0.5; s = 0 (accuracy 0);
        // scale none: A = ∓0.5; λ_pos = 0 removes the positives, the negatives keep 0.5 A / 0.500001
        RewardGroup g = RewardGroup.scalar("p", 1, -1, 0, -1, 0);
        GroupAdvantages a = one(new AsymmetricGroupAdvantage(RewardScaling.NONE, Schedule.ACCURACY, 1.0), g, 0);
        double neg = easy(-0.5, 0.5);
        assertArrayEquals(new double[]{neg, 0, neg, 0}, a.advantages(), TOL);
        assertEquals(0.0, AsymmetricGroupAdvantage.successRate(g), 0.0);
        // rewards above r_max count as success 1
        assertEquals(1.0, AsymmetricGroupAdvantage.successRate(RewardGroup.scalar("p", 1, 2, 3)), 0.0);
    }

    @Test
    void successRatesAreReadAgainstTheRewardFunctionsBestScore() {
        // the running example scored in [0, 5]: rewards 5, 1.4, 5, 1.4 with maxReward 5. The success rate is still
        // p = (1 + 0.28 + 1 + 0.28) / 4 = 0.64, so the clock and the weights are the running example's, and with
        // scale none the advantages are five times its: 5 · 0.29952 = 1.4976, 5 · (−0.468) = −2.34
        var estimator = new AsymmetricGroupAdvantage(RewardScaling.NONE, Schedule.ACCURACY, 1.0);
        RewardGroup fivePoint = RewardGroup.scalar("p", 5, 5, 1.4, 5, 1.4);
        assertEquals(0.64, AsymmetricGroupAdvantage.successRate(fivePoint), TOL);
        double pos = 0.64 * (0.36 * easy(1.8, 0.8) + 0.64 * hard(1.8, 0.8));
        double neg = 0.36 * easy(-1.8, 0.8) + 0.64 * hard(-1.8, 0.8);
        GroupAdvantages a = one(estimator, fivePoint, 0);
        assertArrayEquals(new double[]{pos, neg, pos, neg}, a.advantages(), TOL);
        assertArrayEquals(new double[]{1.4976, -2.34, 1.4976, -2.34}, a.advantages(), 1e-4);
        // read against 1 instead, every rollout would count as a success (p clamped to 1 − 1/G)
        assertEquals(1.0, AsymmetricGroupAdvantage.successRate(RewardGroup.scalar("p", 1, 5, 1.4, 5, 1.4)), 0.0);
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AsymmetricGroupAdvantage(RewardScaling.GROUP, Schedule.ACCURACY, 0));
        assertThrows(IllegalArgumentException.class, () -> new AsymmetricGroupAdvantage(RewardScaling.GROUP, Schedule.ACCURACY, 1.5));
        var e = assertThrows(IllegalArgumentException.class, () -> new AsymmetricGroupAdvantage(RewardScaling.GROUP,
                Schedule.ACCURACY, 1).advantages(List.of(RewardGroup.scalar("prompt-2", 0, 1, 0))));
        assertTrue(e.getMessage().contains("prompt-2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedule.of("steps"));
    }
}
