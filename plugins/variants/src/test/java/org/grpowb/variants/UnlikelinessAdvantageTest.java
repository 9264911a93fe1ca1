package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.grpowb.variants.UnlikelinessAdvantage.Likelihood;
import org.junit.jupiter.api.Test;

/**
 * The unlikeliness reward on hand-built groups: correct completions ranked by log π_old from least likely (rank 0),
 * r_i ← r_i · (1 − β_u · rank_i / G), then GRPO's normalisation. β_u = 0.25 throughout.
 */
class UnlikelinessAdvantageTest {

    private static final double TOL = 1e-12;

    private static RewardGroup group(double[] rewards, double[] logProbs, int[] lengths) {
        double[][] m = new double[rewards.length][1];
        for (int i = 0; i < rewards.length; i++) {
            m[i][0] = rewards[i];
        }
        return new RewardGroup("p", List.of("reward"), m, new double[]{1}, 1,
                Collections.nCopies(rewards.length, ""), lengths, logProbs, 16);
    }

    private static RewardGroup group(double[] rewards, double... logProbs) {
        return group(rewards, logProbs, new int[rewards.length]);
    }

    private static UnlikelinessAdvantage estimator(RewardScaling scaling) {
        return new UnlikelinessAdvantage(scaling, 0.25, 1.0, Likelihood.SUM);
    }

    private static GroupAdvantages one(UnlikelinessAdvantage estimator, RewardGroup g) {
        List<GroupAdvantages> out = estimator.advantages(List.of(g));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void theLessLikelyCorrectCompletionGetsMore() {
        // rewards 1, 1, 0, 0, log-probs −5, −2, −1, −9: correct ones ranked −5 (rollout 0, rank 0), −2 (rollout 1, rank 1);
        // shaped rewards 1, 1 − 0.25 · 1/4 = 0.9375, 0, 0; mean 0.484375;
        // scale none: A = 0.515625, 0.453125, −0.484375, −0.484375 (GRPO: 0.5, 0.5, −0.5, −0.5)
        RewardGroup g = group(new double[]{1, 1, 0, 0}, -5, -2, -1, -9);
        UnlikelinessAdvantage none = estimator(RewardScaling.NONE);
        assertArrayEquals(new double[]{1, 0.9375, 0, 0}, none.shapedRewards(g), 0.0);
        GroupAdvantages a = one(none, g);
        assertArrayEquals(new double[]{0.515625, 0.453125, -0.484375, -0.484375}, a.advantages(), TOL);
        assertEquals(0.484375, a.baseline(), TOL);
        assertArrayEquals(new boolean[]{true, true, true, true}, a.keep());
        // r̃ for sign flips is the shaped reward, not the raw 1, 1, 0, 0
        assertArrayEquals(new double[]{1, 0.9375, 0, 0}, a.rewards(), TOL);

        // scale group: the same centred rewards over their sample std sqrt(Σ d² / 3)
        double[] d = {0.515625, 0.453125, -0.484375, -0.484375};
        double ss = 0;
        for (double v : d) {
            ss += v * v;
        }
        double s = Math.sqrt(ss / 3) + GroupNormalizedAdvantage.STD_EPSILON;
        assertArrayEquals(new double[]{d[0] / s, d[1] / s, d[2] / s, d[3] / s},
                one(estimator(RewardScaling.GROUP), g).advantages(), TOL);
    }

    @Test
    void anAllCorrectGroupStillPushesUpTheRareProofs() {
        // rewards 1, 1, 1, 1, log-probs −4, −1, −3, −2: ranks 0, 3, 1, 2; shaped 1, 0.8125, 0.9375, 0.875, mean 0.90625;
        // scale none: A = 0.09375, −0.09375, 0.03125, −0.03125 (GRPO: all 0)
        RewardGroup g = group(new double[]{1, 1, 1, 1}, -4, -1, -3, -2);
        GroupAdvantages a = one(estimator(RewardScaling.NONE), g);
        assertArrayEquals(new double[]{0.09375, -0.09375, 0.03125, -0.03125}, a.advantages(), TOL);
        // with the raw rewards (all 1) no advantage could be told apart from a flip; the shaped ones explain the signs
        assertArrayEquals(new double[]{1, 0.8125, 0.9375, 0.875}, a.rewards(), TOL);
        assertEquals(0.90625, a.baseline(), TOL);
    }

    @Test
    void aSingleCorrectRolloutIsUnchanged() {
        // its rank is 0: the shaped rewards are the rewards and the advantages GRPO's
        RewardGroup g = group(new double[]{1, 0, 0, 0}, -3, -1, -2, -4);
        assertArrayEquals(new GroupNormalizedAdvantage(RewardScaling.GROUP).advantages(List.of(g)).get(0).advantages(),
                one(estimator(RewardScaling.GROUP), g).advantages(), 0.0);
    }

    @Test
    void allWrongAndAllEqualGroupsStayAtZero() {
        assertTrue(one(estimator(RewardScaling.GROUP), group(new double[]{0, 0, 0}, -1, -2, -3)).allZero());
        // all correct with equal log-probs: ties keep sampling order, so the ranks still differ
        RewardGroup tie = group(new double[]{1, 1}, -1, -1);
        assertArrayEquals(new double[]{1, 0.875}, estimator(RewardScaling.NONE).shapedRewards(tie), 0.0);
        // β_u = 0 is GRPO: an all-correct group is all-equal again and gets exactly 0
        assertTrue(one(new UnlikelinessAdvantage(RewardScaling.GROUP, 0, 1, Likelihood.SUM),
                group(new double[]{1, 1, 1}, -3, -1, -2)).allZero());
    }

    @Test
    void twoRollouts() {
        // G = 2, both correct, log-probs −1, −2: rollout 1 ranks 0 (reward 1), rollout 0 ranks 1 (1 − 0.25 / 2 = 0.875);
        // mean 0.9375, scale none: A = −0.0625, 0.0625
        RewardGroup g = group(new double[]{1, 1}, -1, -2);
        assertArrayEquals(new double[]{-0.0625, 0.0625}, one(estimator(RewardScaling.NONE), g).advantages(), TOL);
    }

    @Test
    void meanLikelihoodRanksPerToken() {
        // log-probs −10 over 10 tokens and −6 over 3: by sum rollout 0 is less likely; per token (−1 vs −2) rollout 1 is
        RewardGroup g = group(new double[]{1, 1}, new double[]{-10, -6}, new int[]{10, 3});
        assertArrayEquals(new double[]{1, 0.875}, estimator(RewardScaling.NONE).shapedRewards(g), 0.0);
        assertArrayEquals(new double[]{0.875, 1},
                new UnlikelinessAdvantage(RewardScaling.NONE, 0.25, 1, Likelihood.MEAN).shapedRewards(g), 0.0);
        // a length of 0 counts as 1
        RewardGroup empty = group(new double[]{1, 1}, new double[]{-1, -2}, new int[]{0, 0});
        assertArrayEquals(new double[]{0.875, 1},
                new UnlikelinessAdvantage(RewardScaling.NONE, 0.25, 1, Likelihood.MEAN).shapedRewards(empty), 0.0);
    }

    @Test
    void theThresholdDecidesWhoIsCorrect() {
        // threshold 0.5 of r_max = 1: rewards 0.6 and 0.8 are correct, 0.4 is not; log-probs −1, −3, −2: ranks 1 (0.6),
        // 0 (0.8)
        RewardGroup g = group(new double[]{0.6, 0.8, 0.4}, -1, -3, -2);
        UnlikelinessAdvantage e = new UnlikelinessAdvantage(RewardScaling.NONE, 0.25, 0.5, Likelihood.SUM);
        assertArrayEquals(new double[]{0.6 * (1 - 0.25 / 3), 0.8, 0.4}, e.shapedRewards(g), TOL);
    }

    @Test
    void correctMeansReachingTheRewardFunctionsBestScore() {
        // a reward scored in [0, 5] (maxReward 5), partial credit 2 for rollout 1: only rollout 0 reached 5, so it is
        // the only correct one, ranks 0 and keeps 5. Read against an absolute 1, rollout 1 (less likely, −5) would
        // count as correct too and push rollout 0 down to 5 · (1 − 0.25/3) = 4.583333.
        RewardGroup g = new RewardGroup("p", List.of("reward"), new double[][]{{5}, {2}, {0}}, new double[]{1}, 5,
                Collections.nCopies(3, ""), new int[3], new double[]{-1, -5, -3}, 16);
        assertArrayEquals(new double[]{5, 2, 0}, estimator(RewardScaling.NONE).shapedRewards(g), 0.0);
        // two completions at 5: ranked, the likelier one loses a quarter of a third: 5 · (1 − 0.25/3)
        RewardGroup two = new RewardGroup("p", List.of("reward"), new double[][]{{5}, {5}, {0}}, new double[]{1}, 5,
                Collections.nCopies(3, ""), new int[3], new double[]{-1, -5, -3}, 16);
        assertArrayEquals(new double[]{5 * (1 - 0.25 / 3), 5, 0}, estimator(RewardScaling.NONE).shapedRewards(two), TOL);
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new UnlikelinessAdvantage(RewardScaling.GROUP, 1.5, 1, Likelihood.SUM));
        assertThrows(IllegalArgumentException.class, () -> new UnlikelinessAdvantage(RewardScaling.GROUP, 0.25, Double.NaN,
                Likelihood.SUM));
        assertThrows(IllegalArgumentException.class, () -> new UnlikelinessAdvantage(RewardScaling.GROUP, 0.25, 1.5,
                Likelihood.SUM));
        var e = assertThrows(IllegalArgumentException.class, () -> estimator(RewardScaling.GROUP)
                .advantages(List.of(group(new double[]{1, 0}, Double.NEGATIVE_INFINITY, -1))));
        assertTrue(e.getMessage().contains("log-prob"), e.getMessage());
        // a wrong completion's log-prob is never read
        assertEquals(2, estimator(RewardScaling.GROUP).advantages(List.of(group(new double[]{1, 0}, -1, Double.NaN)))
                .get(0).advantages().length);
        assertThrows(IllegalArgumentException.class, () -> Likelihood.of("max"));
    }
}
