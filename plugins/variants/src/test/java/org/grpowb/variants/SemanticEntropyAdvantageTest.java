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

/** SEED-GRPO: answers clustered by normalised final answer, advantages scaled by 1 − α · SE / log G. */
class SemanticEntropyAdvantageTest {

    private static final double TOL = 1e-12;
    private static final double LN2 = Math.log(2);

    /** A one-reward group whose completions are the given answers. */
    private static RewardGroup group(double[] rewards, String... answers) {
        double[][] m = new double[rewards.length][1];
        for (int i = 0; i < rewards.length; i++) {
            m[i][0] = rewards[i];
        }
        return new RewardGroup("p", List.of("reward"), m, new double[]{1}, 1, List.of(answers), new int[rewards.length],
                new double[rewards.length], 16);
    }

    private static GroupAdvantages one(RewardScaling scaling, double alpha, RewardGroup g) {
        List<GroupAdvantages> out = new SemanticEntropyAdvantage(scaling, alpha).advantages(List.of(g));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void finalAnswersAreNormalised() {
        String seven = FinalAnswer.key("82");
        for (String same : new String[]{" 82 ", "082", "so it is 82", "\\boxed{82}", "steps 1 2 3 #### 82", "82.0",
                "We get \\boxed{ 82 } here", "3 + 79 = 82"}) {
            assertEquals(seven, FinalAnswer.key(same), same);
        }
        assertEquals(FinalAnswer.key("0"), FinalAnswer.key("-0"));
        assertEquals(FinalAnswer.key("-5"), FinalAnswer.key("3-5"));
        assertEquals(FinalAnswer.key("2.5"), FinalAnswer.key("2.50"));
        assertEquals(FinalAnswer.key("Paris"), FinalAnswer.key("  paris\n"));
        assertEquals(FinalAnswer.key("new  york"), FinalAnswer.key("New\tYork"));
        assertNotEquals(FinalAnswer.key("82"), FinalAnswer.key("83"));
        assertNotEquals(FinalAnswer.key("82"), FinalAnswer.key("\\boxed{8} and then 82"));
        assertNotEquals(FinalAnswer.key("eighty-two"), FinalAnswer.key("82"));
        assertEquals(FinalAnswer.key(""), FinalAnswer.key("   "));
    }

    @Test
    void semanticEntropyOfClusters() {
        assertEquals(0.0, SemanticEntropyAdvantage.semanticEntropy(List.of("7", "7", " 7", "07")), 0.0);
        // clusters of 2, 1, 1 of four: −(0.5 ln 0.5 + 2 · 0.25 ln 0.25) = 1.5 ln 2 = 1.039721
        assertEquals(1.5 * LN2, SemanticEntropyAdvantage.semanticEntropy(List.of("7", "7", "8", "9")), TOL);
        // four different answers: ln 4, the maximum
        assertEquals(Math.log(4), SemanticEntropyAdvantage.semanticEntropy(List.of("1", "2", "3", "4")), TOL);
    }

    @Test
    void disagreeingAnswersDampTheAdvantage() {
        // rewards 1, 1, 0, 0 with answers 7, 7, 8, 9 (7 is right); scale none: A = ±0.5.
        // SE / log 4 = 1.5 ln 2 / 2 ln 2 = 0.75; α = 1: factor 0.25, A = ±0.125; α = 0.5: factor 0.625, A = ±0.3125
        RewardGroup g = group(new double[]{1, 1, 0, 0}, "7", "7", "8", "9");
        assertArrayEquals(new double[]{0.125, 0.125, -0.125, -0.125}, one(RewardScaling.NONE, 1, g).advantages(), TOL);
        GroupAdvantages a = one(RewardScaling.NONE, 0.5, g);
        assertArrayEquals(new double[]{0.3125, 0.3125, -0.3125, -0.3125}, a.advantages(), TOL);
        assertEquals(0.5, a.baseline(), TOL);
        assertArrayEquals(new boolean[]{true, true, true, true}, a.keep());
        // SEED-GRPO scales advantages, not rewards: r̃ is the base estimator's, the totals
        assertArrayEquals(new double[]{1, 1, 0, 0}, a.rewards(), 0.0);
    }

    @Test
    void singleCorrectRolloutAmongAgreeingWrongOnes() {
        // rewards 1, 0, 0, 0, answers 7, 8, 8, 8: SE = −(0.25 ln 0.25 + 0.75 ln 0.75) = 0.562335, / ln 4 = 0.405639;
        // α = 1: factor 0.594361; scale none: A = 0.75, −0.25 × 3, times the factor
        RewardGroup g = group(new double[]{1, 0, 0, 0}, "7", "8", "8", "8");
        double se = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
        double factor = 1 - se / Math.log(4);
        assertEquals(0.594361, factor, 1e-6);
        assertArrayEquals(new double[]{0.75 * factor, -0.25 * factor, -0.25 * factor, -0.25 * factor},
                one(RewardScaling.NONE, 1, g).advantages(), TOL);
    }

    @Test
    void confidentGroupsKeepTheirFullSignal() {
        // every completion answers 7 but the reward differs (a format term): SE = 0, factor 1, the base advantage stands
        RewardGroup g = group(new double[]{1, 0.5, 0.5, 0}, "7", "7", "so 7", "\\boxed{7}");
        double[] base = new GroupNormalizedAdvantage(RewardScaling.GROUP).advantages(List.of(g)).get(0).advantages();
        assertArrayEquals(base, one(RewardScaling.GROUP, 1, g).advantages(), 0.0);
    }

    @Test
    void twoRollouts() {
        // G = 2 with different answers: SE / log 2 = 1, factor 1 − α: the default α = 0.5 halves A = ±0.5
        RewardGroup g = group(new double[]{1, 0}, "7", "8");
        assertArrayEquals(new double[]{0.25, -0.25}, one(RewardScaling.NONE, 0.5, g).advantages(), TOL);
        assertArrayEquals(new double[]{0, 0}, one(RewardScaling.NONE, 1, g).advantages(), TOL);
    }

    @Test
    void allEqualRewardsStayAtZero() {
        RewardGroup g = group(new double[]{0, 0, 0, 0}, "1", "2", "3", "4");
        for (RewardScaling s : RewardScaling.values()) {
            GroupAdvantages a = one(s, 0.5, g);
            assertTrue(a.allZero());
            for (double v : a.advantages()) {
                assertEquals(0.0, v, 0.0);
            }
        }
    }

    @Test
    void withoutCompletionsItIsTheBaseEstimator() {
        // a group built from rewards only has G empty completions: one cluster, SE = 0
        RewardGroup g = RewardGroup.scalar("p", 1, 1, 0, 0, 0);
        assertArrayEquals(new GroupNormalizedAdvantage(RewardScaling.NONE).advantages(List.of(g)).get(0).advantages(),
                one(RewardScaling.NONE, 1, g).advantages(), 0.0);
        assertEquals(1.0, new SemanticEntropyAdvantage(RewardScaling.NONE, 1).factor(List.of("x")), 0.0);
    }

    @Test
    void alphaIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new SemanticEntropyAdvantage(RewardScaling.NONE, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new SemanticEntropyAdvantage(RewardScaling.NONE, 1.1));
    }
}
