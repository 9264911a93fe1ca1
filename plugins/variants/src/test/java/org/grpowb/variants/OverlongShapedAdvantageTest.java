package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.junit.jupiter.api.Test;

/**
 * DAPO's overlong penalty at its boundaries, then the shaped, group-normalised advantages and dynamic sampling. The
 * estimator's groups have a budget L_max = 10 and the buffer fraction 0.2, so L_cache = 2 tokens: no penalty up to 8
 * tokens, −0.5 at 9, −1 at 10.
 */
class OverlongShapedAdvantageTest {

    private static final double EPS = GroupNormalizedAdvantage.STD_EPSILON;
    private static final double TOL = 1e-12;

    /** A scalar-reward group whose completions have the given lengths, sampled with budget maxLength. */
    private static RewardGroup group(String id, int maxLength, double[] rewards, int... lengths) {
        double[][] m = new double[rewards.length][1];
        for (int i = 0; i < rewards.length; i++) {
            m[i][0] = rewards[i];
        }
        return new RewardGroup(id, List.of("correct"), m, new double[]{1.0}, 1.0,
                Collections.nCopies(rewards.length, ""), lengths, new double[rewards.length], maxLength);
    }

    private static GroupAdvantages one(OverlongShapedAdvantage estimator, RewardGroup g) {
        List<GroupAdvantages> out = estimator.advantages(List.of(g));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void penaltyAtTheBoundariesOfTheCache() {
        // L_max = 6, L_cache = 2: free up to 6 − 2 = 4 tokens, then (4 − |y|) / 2, then −1 beyond the budget
        assertEquals(0.0, OverlongShapedAdvantage.penalty(1, 6, 2), 0.0);
        assertEquals(0.0, OverlongShapedAdvantage.penalty(4, 6, 2), 0.0);       // |y| = L_max − L_cache
        assertEquals(-0.5, OverlongShapedAdvantage.penalty(5, 6, 2), TOL);
        assertEquals(-1.0, OverlongShapedAdvantage.penalty(6, 6, 2), TOL);      // |y| = L_max, cut by the sampler
        assertEquals(-1.0, OverlongShapedAdvantage.penalty(7, 6, 2), 0.0);      // beyond L_max
        // L_max = 10, L_cache = 4: 0 up to 6, then −1/4, −2/4, −3/4, −1 at 7, 8, 9, 10
        assertEquals(0.0, OverlongShapedAdvantage.penalty(6, 10, 4), 0.0);
        assertEquals(-0.25, OverlongShapedAdvantage.penalty(7, 10, 4), TOL);
        assertEquals(-0.5, OverlongShapedAdvantage.penalty(8, 10, 4), TOL);
        assertEquals(-0.75, OverlongShapedAdvantage.penalty(9, 10, 4), TOL);
        assertEquals(-1.0, OverlongShapedAdvantage.penalty(10, 10, 4), TOL);
        assertEquals(-1.0, OverlongShapedAdvantage.penalty(11, 10, 4), 0.0);
        // the paper's setting: L_max = 20480, L_cache = 4096: free up to 16384, −0.5 at 18432
        assertEquals(0.0, OverlongShapedAdvantage.penalty(16384, 20480, 4096), 0.0);
        assertEquals(-0.5, OverlongShapedAdvantage.penalty(18432, 20480, 4096), TOL);
        // a cache above the budget is the whole budget: L_max = 3, L_cache 8 → −|y| / 3
        assertEquals(0.0, OverlongShapedAdvantage.penalty(0, 3, 8), 0.0);
        assertEquals(-1.0 / 3, OverlongShapedAdvantage.penalty(1, 3, 8), TOL);
        assertEquals(-1.0, OverlongShapedAdvantage.penalty(3, 3, 8), TOL);
        assertThrows(IllegalArgumentException.class, () -> OverlongShapedAdvantage.penalty(3, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> OverlongShapedAdvantage.penalty(3, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> new OverlongShapedAdvantage(true, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new OverlongShapedAdvantage(true, 1.5, true));
    }

    @Test
    void shapingComesBeforeTheGroupNormalisation() {
        // rewards 1, 1, 0, 0 with lengths 7, 9, 10, 6 (L_max 10, L_cache 2): penalties 0, −0.5, −1, 0
        // shaped 1, 0.5, −1, 0: mean 0.125, squared deviations 0.765625 + 0.140625 + 1.265625 + 0.015625 = 2.1875,
        // std = sqrt(2.1875 / 3) = 0.853913; A = 1.024694, 0.439155, −1.317464, −0.146385
        GroupAdvantages a = one(new OverlongShapedAdvantage(true, 0.2, true),
                group("p", 10, new double[]{1, 1, 0, 0}, 7, 9, 10, 6));
        double s = Math.sqrt(2.1875 / 3) + EPS;
        assertArrayEquals(new double[]{0.875 / s, 0.375 / s, -1.125 / s, -0.125 / s}, a.advantages(), TOL);
        assertArrayEquals(new double[]{1.024694, 0.439155, -1.317464, -0.146385}, a.advantages(), 1e-6);
        assertEquals(0.125, a.baseline(), TOL);
        assertArrayEquals(new boolean[]{true, true, true, true}, a.keep());
        // r̃ for sign flips is the shaped reward: rollout 1 (correct, −0.5) sits above the mean 0.125, rollout 2 below
        assertArrayEquals(new double[]{1, 0.5, -1, 0}, a.rewards(), TOL);
    }

    /**
     * The default fraction 0.2 is the paper's proportion at any budget.
     * <pre>
     *   L_max = 20480: L_cache = 4096, free up to 16384 tokens, −0.5 at 18432, −1 at 20480 (the paper's numbers)
     *   L_max = 8:     L_cache = 1.6, free up to 6.4: 0 at 6, (6.4 − 7) / 1.6 = −0.375 at 7, −1 at 8
     * </pre>
     * With rewards 1, 1, 0 and lengths 6, 7, 8 at L_max = 8 the shaped rewards are 1, 0.625, −1: mean 0.208333,
     * deviations 0.791667, 0.416667, −1.208333, Σ d² = 2.260417, std = √(2.260417 / 2) = 1.063112,
     * A = 0.744668, 0.391931, −1.136599.
     */
    @Test
    void thePapersProportionAtAnyBudget() {
        OverlongShapedAdvantage paper = new OverlongShapedAdvantage(true, OverlongShapedAdvantage.PAPER_BUFFER_FRACTION,
                false);
        assertEquals(0.2, OverlongShapedAdvantage.PAPER_BUFFER_FRACTION, 0.0);
        GroupAdvantages large = one(paper, group("p", 20480, new double[]{1, 1, 1, 1}, 16384, 16385, 18432, 20480));
        assertArrayEquals(new double[]{1, 1 - 1.0 / 4096, 0.5, 0}, large.rewards(), 1e-12);

        GroupAdvantages small = one(paper, group("q", 8, new double[]{1, 1, 0}, 6, 7, 8));
        assertArrayEquals(new double[]{1, 0.625, -1}, small.rewards(), 1e-12);
        double[] d = {1 - 0.625 / 3, 0.625 - 0.625 / 3, -1 - 0.625 / 3};
        double s = Math.sqrt((d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / 2) + EPS;
        assertArrayEquals(new double[]{d[0] / s, d[1] / s, d[2] / s}, small.advantages(), 1e-12);
        assertArrayEquals(new double[]{0.744668, 0.391931, -1.136599}, small.advantages(), 1e-6);
        assertEquals(-0.375, OverlongShapedAdvantage.penalty(7, 8, 1.6), 1e-12);
    }

    @Test
    void withoutShapingItIsGrpo() {
        // rewards 1, 0, 0, 0: mean 0.25, std 0.5, A ≈ 1.5, −0.5, −0.5, −0.5 whatever the lengths
        RewardGroup g = group("p", 10, new double[]{1, 0, 0, 0}, 10, 10, 9, 1);
        GroupAdvantages a = one(new OverlongShapedAdvantage(false, 0.2, true), g);
        assertArrayEquals(new GroupNormalizedAdvantage(RewardScaling.GROUP).advantages(List.of(g)).get(0).advantages(),
                a.advantages(), 0.0);
        assertArrayEquals(new double[]{1.499997, -0.499999, -0.499999, -0.499999}, a.advantages(), 1e-6);
        // a group without a budget (the rewards-only constructor: L_max 0) is never shaped
        GroupAdvantages noBudget = one(new OverlongShapedAdvantage(true, 0.2, true), RewardGroup.scalar("p", 1, 1, 0, 0, 0));
        assertArrayEquals(a.advantages(), noBudget.advantages(), 0.0);
        // unshaped, r̃ is the reward itself
        assertArrayEquals(new double[]{1, 0, 0, 0}, a.rewards(), 0.0);
    }

    @Test
    void dynamicSamplingDropsGroupsWhoseRewardsAreAllEqual() {
        // all correct, one of them overlong: rewards 1, 1, 1, lengths 6, 10, 7 → shaped 1, 0, 1
        RewardGroup allCorrect = group("p", 10, new double[]{1, 1, 1}, 6, 10, 7);
        // dropped on the raw rewards (DAPO filters on accuracy): no rollout enters the loss
        GroupAdvantages dropped = one(new OverlongShapedAdvantage(true, 0.2, true), allCorrect);
        assertArrayEquals(new boolean[]{false, false, false}, dropped.keep());
        assertArrayEquals(new double[]{0, 0, 0}, dropped.advantages(), 0.0);
        assertTrue(dropped.allZero());
        // a dropped group still reports what the estimator saw: the shaped rewards 1, 0, 1
        assertArrayEquals(new double[]{1, 0, 1}, dropped.rewards(), TOL);
        // kept without dynamic sampling: the length penalty alone ranks them, mean 2/3, std sqrt(1/3) = 0.577350,
        // A = 0.577349, −1.154699, 0.577349
        GroupAdvantages kept = one(new OverlongShapedAdvantage(true, 0.2, false), allCorrect);
        double s = Math.sqrt(1.0 / 3) + EPS;
        assertArrayEquals(new double[]{(1.0 / 3) / s, (-2.0 / 3) / s, (1.0 / 3) / s}, kept.advantages(), TOL);
        assertArrayEquals(new double[]{0.577349, -1.154699, 0.577349}, kept.advantages(), 1e-6);
        assertArrayEquals(new boolean[]{true, true, true}, kept.keep());
        // all wrong and all short: dropped with dynamic sampling, zeros (kept) without
        RewardGroup allWrong = group("q", 10, new double[]{0, 0}, 1, 2);
        assertArrayEquals(new boolean[]{false, false}, one(new OverlongShapedAdvantage(true, 0.2, true), allWrong).keep());
        GroupAdvantages zeros = one(new OverlongShapedAdvantage(true, 0.2, false), allWrong);
        assertArrayEquals(new double[]{0, 0}, zeros.advantages(), 0.0);
        assertArrayEquals(new boolean[]{true, true}, zeros.keep());
    }

    @Test
    void twoRolloutsWhoseShapedRewardsTie() {
        // G = 2: the correct one ran to the budget (1 − 1 = 0), the wrong one is short (0): shaped rewards tie,
        // so A = 0 and 0 — but the raw rewards differ, so dynamic sampling keeps the group
        GroupAdvantages a = one(new OverlongShapedAdvantage(true, 0.2, true), group("p", 10, new double[]{1, 0}, 10, 1));
        assertArrayEquals(new double[]{0, 0}, a.advantages(), 0.0);
        assertArrayEquals(new boolean[]{true, true}, a.keep());
        assertEquals(0.0, a.baseline(), 0.0);
        // one token shorter, the correct one wins again: shaped 0.5, 0, A = ±0.25 / (sqrt(0.125) + 1e-6) = ±0.707105
        GroupAdvantages b = one(new OverlongShapedAdvantage(true, 0.2, true), group("p", 10, new double[]{1, 0}, 9, 1));
        double s = Math.sqrt(0.125) + EPS;
        assertArrayEquals(new double[]{0.25 / s, -0.25 / s}, b.advantages(), TOL);
    }

    @Test
    void groupsKeepTheirOrderAndAreJudgedOneByOne() {
        // short completions, no shaping: groups a and c are GRPO's ±0.5 / (sqrt(0.5) + 1e-6) = ±0.707106 in their own
        // order, group b (all correct) is dropped between them
        List<GroupAdvantages> out = new OverlongShapedAdvantage(true, 0.2, true).advantages(List.of(
                group("a", 10, new double[]{1, 0}, 2, 2), group("b", 10, new double[]{1, 1}, 2, 2),
                group("c", 10, new double[]{0, 1}, 2, 2)));
        assertEquals(3, out.size());
        double u = 0.5 / (Math.sqrt(0.5) + EPS);
        assertArrayEquals(new double[]{u, -u}, out.get(0).advantages(), TOL);
        assertArrayEquals(new boolean[]{false, false}, out.get(1).keep());
        assertArrayEquals(new double[]{-u, u}, out.get(2).advantages(), TOL);
        assertEquals(0.707106, u, 1e-6);
        assertTrue(new OverlongShapedAdvantage(true, 0.2, true).advantages(List.of()).isEmpty());
    }

    @Test
    void nonFiniteRewardIsRefusedWithTheGroupNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new OverlongShapedAdvantage(true, 0.2, true)
                .advantages(List.of(group("prompt-3", 10, new double[]{1, Double.NaN}, 2, 2))));
        assertTrue(e.getMessage().contains("prompt-3"), e.getMessage());
    }
}
