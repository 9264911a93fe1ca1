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
 * REINFORCE++-baseline on a hand-built batch: group-centred rewards whitened over the batch's tokens, as verl's
 * {@code masked_whiten} (token-weighted mean and Bessel-corrected variance, rsqrt(σ² + 1e-8)).
 */
class BatchWhitenedAdvantageTest {

    private static final double TOL = 1e-12;

    private static RewardGroup group(String id, double[] rewards, int... lengths) {
        double[][] m = new double[rewards.length][1];
        for (int i = 0; i < rewards.length; i++) {
            m[i][0] = rewards[i];
        }
        return new RewardGroup(id, List.of("reward"), m, new double[]{1}, 1, Collections.nCopies(rewards.length, ""),
                lengths, new double[rewards.length], 8);
    }

    /**
     * Group a: rewards 1, 0, 0 with lengths 2, 4, 6 → a = 2/3, −1/3, −1/3; group b: rewards 1, 1, lengths 3, 5 → a = 0, 0.
     * <pre>
     *   T  = 2 + 4 + 6 + 3 + 5 = 20;  μ = (2 · 2/3 − 4/3 − 6/3) / 20 = −2 / 20 = −0.1
     *   Σ w (a − μ)² = 2 (23/30)² + 10 (7/30)² + 8 (1/10)² = (1058 + 490 + 72) / 900 = 1.8;  σ² = 1.8 / 19
     *   σ = √(0.0947368 + 1e-8) = 0.307794
     *   A = (23/30)/σ, (−7/30)/σ, (−7/30)/σ | 0.1/σ, 0.1/σ = 2.490847, −0.758084, −0.758084 | 0.324893, 0.324893
     * </pre>
     * The long wrong rollouts pull the token mean down, so the all-correct group b, at 0 before whitening, ends up
     * slightly positive, as in verl.
     */
    @Test
    void lengthsWeighTheBatchStatistics() {
        List<GroupAdvantages> out = new BatchWhitenedAdvantage().advantages(List.of(
                group("a", new double[]{1, 0, 0}, 2, 4, 6), group("b", new double[]{1, 1}, 3, 5)));
        double s = Math.sqrt(1.8 / 19 + 1e-8);
        assertArrayEquals(new double[]{(23.0 / 30) / s, (-7.0 / 30) / s, (-7.0 / 30) / s}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{0.1 / s, 0.1 / s}, out.get(1).advantages(), TOL);
        assertArrayEquals(new double[]{2.490847, -0.758084, -0.758084}, out.get(0).advantages(), 1e-6);
        assertArrayEquals(new double[]{0.324893, 0.324893}, out.get(1).advantages(), 1e-6);
        // baselines: the group mean moved by μ, the level A is measured from: 1/3 − 0.1 and 1 − 0.1
        assertEquals(1.0 / 3 - 0.1, out.get(0).baseline(), TOL);
        assertEquals(0.9, out.get(1).baseline(), TOL);
        assertArrayEquals(new double[]{1, 0, 0}, out.get(0).rewards(), 0.0);
        assertArrayEquals(new boolean[]{true, true}, out.get(1).keep());
    }

    @Test
    void withoutLengthsEveryRolloutWeighsOne() {
        // the same rewards, no lengths: T = 5, μ = 0, Σ a² = 4/9 + 1/9 + 1/9 = 2/3, σ² = (2/3)/4 = 1/6;
        // A = (2/3)/σ = 1.632993, (−1/3)/σ = −0.816497 twice, and group b stays at 0
        List<GroupAdvantages> out = new BatchWhitenedAdvantage().advantages(List.of(
                RewardGroup.scalar("a", 1, 1, 0, 0), RewardGroup.scalar("b", 1, 1, 1)));
        double s = Math.sqrt(1.0 / 6 + 1e-8);
        assertArrayEquals(new double[]{(2.0 / 3) / s, (-1.0 / 3) / s, (-1.0 / 3) / s}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{1.632993, -0.816497, -0.816497}, out.get(0).advantages(), 1e-6);
        // (μ is 0 up to the rounding of 2/3 − 1/3 − 1/3, which whitening keeps, as verl's does)
        assertArrayEquals(new double[]{0, 0}, out.get(1).advantages(), TOL);
        assertEquals(1.0 / 3, out.get(0).baseline(), TOL);
    }

    @Test
    void theScaleIsTheBatchsNotTheGroups() {
        // two groups with the same centred rewards ±0.5 and ±0.05 (G = 2): GRPO's group std would give both ±0.707;
        // here T = 4, μ = 0, Σ a² = 0.5 + 0.005 = 0.505, σ² = 0.505 / 3: the quiet group stays ten times smaller
        List<GroupAdvantages> out = new BatchWhitenedAdvantage().advantages(List.of(
                RewardGroup.scalar("a", 1, 1, 0), RewardGroup.scalar("b", 1, 0.55, 0.45)));
        double s = Math.sqrt(0.505 / 3 + 1e-8);
        assertArrayEquals(new double[]{0.5 / s, -0.5 / s}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{0.05 / s, -0.05 / s}, out.get(1).advantages(), 1e-9);
    }

    @Test
    void aBatchOfOneRolloutAndAnEmptyBatch() {
        // a lone rollout is centred on itself; T = 1 has no Bessel correction and the result is 0, not NaN
        List<GroupAdvantages> lone = new BatchWhitenedAdvantage().advantages(List.of(group("a", new double[]{1}, 1)));
        assertArrayEquals(new double[]{0}, lone.get(0).advantages(), 0.0);
        assertTrue(new BatchWhitenedAdvantage().advantages(List.of()).isEmpty());
    }

    @Test
    void badInputsAreRefusedWithTheGroupNamed() {
        var nan = assertThrows(IllegalArgumentException.class, () -> new BatchWhitenedAdvantage()
                .advantages(List.of(RewardGroup.scalar("prompt-5", 1, 1, Double.NaN))));
        assertTrue(nan.getMessage().contains("prompt-5"), nan.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> new BatchWhitenedAdvantage()
                .advantages(List.of(group("prompt-6", new double[]{1, 0}, 2, -1))));
        assertTrue(negative.getMessage().contains("prompt-6"), negative.getMessage());
    }
}
