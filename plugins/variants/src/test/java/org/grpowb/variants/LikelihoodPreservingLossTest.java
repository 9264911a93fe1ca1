package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.DataType;
import java.util.Map;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The LLDS regulariser on top of GRPO's clipped loss (ε = 0.2, grpo aggregation), λ = 0.5, on a hand-built
 * micro-batch; log π_old = −1 everywhere, Δ = log π_θ − log π_old.
 * <pre>
 *   seq 0, A = +1: Δ = −0.3, +0.1   Σ Δ = −0.2 &lt; 0: gate on,  penalty max(0, 0.3) + max(0, −0.1) = 0.3
 *   seq 1, A = +1: Δ = −0.2, +0.5   Σ Δ = +0.3: gate off (a token fell, but the completion's likelihood rose)
 *   seq 2, A = −1: Δ = −0.4, pad    negative advantage: not in the preserving set
 *   seq 3, A =  0: Δ = −0.1, −0.1   Σ Δ = −0.2: gate on (A ≥ 0 includes an all-equal group), penalty 0.2
 *   LLDS term = λ (0.3 + 0.2) / T_active 7 = 0.25 / 7 = 0.035714
 *   surrogate: seq 0 ρ = e^−0.3, e^0.1 (inside or below with A &gt; 0) → −(0.740818 + 1.105171)/2 = −0.922995
 *              seq 1 ρ = e^−0.2, e^0.5 → clipped 1.2 → −(0.818731 + 1.2)/2 = −1.009365
 *              seq 2 ρ = e^−0.4 = 0.670320, A = −1 → min(−0.670, −0.8) = −0.8 → +0.8;  seq 3: A = 0 → 0
 *              (−0.922995 − 1.009365 + 0.8 + 0) / 4 = −0.283090
 *   L = −0.283090 + 0.035714 = −0.247376
 * </pre>
 */
class LikelihoodPreservingLossTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private static final double[][] OLD = {{-1, -1}, {-1, -1}, {-1, NEG_INF}, {-1, -1}};
    private static final double[][] NEW = {{-1.3, -0.9}, {-1.2, -0.5}, {-1.4, 0}, {-1.1, -1.1}};
    private static final double[][] ADV = {{1, 1}, {1, 1}, {-1, 0}, {0, 0}};
    private static final double[][] MASK = {{1, 1}, {1, 1}, {1, 0}, {1, 1}};
    /** G = 4, L_max = 2, T_active = 7 tokens and 4 sequences in the whole step. */
    private static final MicroBatch EXAMPLE = MicroBatch.of(NEW, OLD, ADV, MASK, 4, 2, 7, 4);

    private static final ClippedTokenLoss GRPO = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.GRPO);

    @Test
    void penalisesOnlyLikelihoodFallsOfNonNegativeAdvantageCompletions() {
        PolicyLossOutput out = new LikelihoodPreservingLoss(GRPO, 0.5).loss(fixture.input(EXAMPLE));
        double surrogate = (-(Math.exp(-0.3) + Math.exp(0.1)) / 2 - (Math.exp(-0.2) + 1.2) / 2 + 0.8) / 4;
        assertEquals(-0.283090, surrogate, 1e-6);
        assertEquals(surrogate + 0.25 / 7, value(out), 1e-12);
        assertEquals(-0.247376, value(out), 1e-6);
        assertEquals(0.5 / 7, out.metrics().get("llds_penalty"), 1e-12);
        assertEquals(0.5, out.metrics().get("llds_gated_frac"), 1e-12);
        // the surrogate's metrics pass through: clipped tokens are seq 1's second (high) and seq 2's (low), 2 of 7
        assertEquals(2.0 / 7, out.metrics().get("clip_frac"), 1e-12);
        assertEquals(GRPO.loss(fixture.input(EXAMPLE)).metrics().get("ratio_mean"), out.metrics().get("ratio_mean"), 0.0);
    }

    @Test
    void theGradientPushesBackOnlyTheGatedTokensThatFell() {
        // autograd of (LLDS − surrogate) is −λ / T_active = −0.5 / 7 on seq 0 token 0 and both tokens of seq 3
        double[] withLlds = gradient(new LikelihoodPreservingLoss(GRPO, 0.5));
        double[] surrogate = gradient(GRPO);
        double[] difference = new double[withLlds.length];
        for (int k = 0; k < difference.length; k++) {
            difference[k] = withLlds[k] - surrogate[k];
        }
        double g = -0.5 / 7;
        assertArrayEquals(new double[]{g, 0, 0, 0, 0, 0, g, g}, difference, 1e-12);
    }

    private double[] gradient(PolicyLoss loss) {
        return gradient(loss, EXAMPLE);
    }

    private double[] gradient(PolicyLoss loss, MicroBatch batch) {
        return fixture.autograd(loss, batch).gradient();
    }

    @Test
    void thePreservingSetIsReadTokenByToken() {
        // seq 3's advantages become 0, −1: only its first token (Δ = −0.1) is preserved, its gate reads Σ = −0.1 < 0,
        // and its second token (Δ = −0.1, A < 0) is left to fall. Penalty (0.3 + 0.1) / 7; gradient difference
        // −λ / T_active = −0.5 / 7 on seq 0 token 0 and seq 3 token 0 only (a row mean of −0.5 would drop seq 3 entirely)
        MicroBatch perToken = EXAMPLE.withAdvantages(new double[][]{ADV[0], ADV[1], ADV[2], {0, -1}});
        LikelihoodPreservingLoss loss = new LikelihoodPreservingLoss(GRPO, 0.5);
        PolicyLossOutput out = loss.loss(fixture.input(perToken));
        assertEquals(0.4 / 7, out.metrics().get("llds_penalty"), 1e-12);
        assertEquals(0.5, out.metrics().get("llds_gated_frac"), 1e-12);
        double[] withLlds = gradient(loss, perToken);
        double[] surrogate = gradient(GRPO, perToken);
        double g = -0.5 / 7;
        double[] expected = {g, 0, 0, 0, 0, 0, g, 0};
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], withLlds[k] - surrogate[k], 1e-12, "token " + k);
        }
    }

    @Test
    void theSurrogatesClippingFlagsPassThrough() {
        // GRPO's clipped loss flags tokens; GSPO-token's (ε = 0.1) flags the tokens whose advantage pushes their sequence
        // ratio past its edge: seq 0 s = e^−0.1 = 0.905 inside, seq 1 s = e^0.15 = 1.162 clipped high with A > 0 on both
        // tokens, seq 2 s = e^−0.4 = 0.670 clipped low with A < 0 on its one token, seq 3 A = 0
        // GRPO's: seq 1's second token (ρ = e^0.5 > 1.2, A > 0) and seq 2's token (ρ = e^−0.4 < 0.8, A < 0)
        assertArrayEquals(new double[]{0, 0, 0, 1, 1, 0, 0, 0}, new LikelihoodPreservingLoss(GRPO, 0.5)
                .loss(fixture.input(EXAMPLE)).tokenClipped().toType(DataType.FLOAT64, false).toDoubleArray(), 0.0);
        PolicyLossOutput out = new LikelihoodPreservingLoss(new ClippedSequenceLoss(0.1, 0.1, 0), 0.5)
                .loss(fixture.input(EXAMPLE));
        assertArrayEquals(new double[]{0, 0, 1, 1, 1, 0, 0, 0},
                out.tokenClipped().toType(DataType.FLOAT64, false).toDoubleArray(), 0.0);
    }

    @Test
    void zeroLambdaIsTheSurrogate() {
        assertEquals(value(GRPO.loss(fixture.input(EXAMPLE))),
                value(new LikelihoodPreservingLoss(GRPO, 0).loss(fixture.input(EXAMPLE))), 0.0);
    }

    @Test
    void noPenaltyWhileLikelihoodsRise() {
        // every Δ ≥ 0: gates off, the regulariser is silent
        double[][] up = {{-0.8, -0.9}, {-1.0, -0.5}, {-0.6, 0}, {-0.9, -1.0}};
        PolicyLossOutput out = new LikelihoodPreservingLoss(GRPO, 0.5).loss(fixture.input(EXAMPLE.withLogProbs(up)));
        assertEquals(0.0, out.metrics().get("llds_penalty"), 0.0);
        assertEquals(0.0, out.metrics().get("llds_gated_frac"), 0.0);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = new LikelihoodPreservingLoss(GRPO, 0.5).loss(fixture.input(EXAMPLE, DataType.FLOAT32));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(-0.247376, value(out), 1e-6);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        for (LossAggregation a : LossAggregation.values()) {
            LikelihoodPreservingLoss loss = new LikelihoodPreservingLoss(new ClippedTokenLoss(0.2, 0.28, 0, a), 0.5);
            double whole = value(loss.loss(fixture.input(EXAMPLE)));
            assertEquals(whole, fixture.sumOfRowLosses(loss, EXAMPLE), 1e-12, a.name());
        }
    }

    @Test
    void fullyMaskedRowsContributeNothingAndNeverNaN() {
        PolicyLossOutput out = new LikelihoodPreservingLoss(GRPO, 0.5)
                .loss(fixture.input(EXAMPLE.plusDroppedRollout(-50, 2)));
        assertEquals(-0.247376, value(out), 1e-6);
        assertEquals(0.5, out.metrics().get("llds_gated_frac"), 1e-12);
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLoss() {
        PolicyLossOutput out = new LikelihoodPreservingLoss(GRPO, 0.5).loss(fixture.input(MicroBatch.withoutTokens()));
        assertEquals(0.0, value(out), 0.0);
        assertEquals(0.0, out.metrics().get("llds_penalty"), 0.0);
        assertEquals(0.0, out.metrics().get("llds_gated_frac"), 0.0);
        assertEquals(Map.of("kl", 0.0, "clip_frac", 0.0, "ratio_mean", 1.0, "ratio_max", 1.0, "llds_penalty", 0.0,
                "llds_gated_frac", 0.0), out.metrics());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new LikelihoodPreservingLoss(GRPO, -0.1));
        assertThrows(NullPointerException.class, () -> new LikelihoodPreservingLoss(null, 0.1));
    }

    /**
     * Autograd against central differences in float64, with β > 0, clip-higher and padding. Log-ratios stay away from
     * 0 (the max(0, ·) kink), from the clip edges (ρ = 0.8, 1.28) and each gate's Σ from 0: row 0 (A > 0) Σ = −0.45
     * gated; row 1 (A > 0) Σ = +0.35 not gated; row 2 (A < 0) excluded; row 3 (A = 0) Σ = −0.05 gated.
     */
    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void gradientMatchesFiniteDifferences(LossAggregation aggregation) {
        MicroBatch batch = MicroBatch.completions(4, 3, 2, 4).paddedTo(4)
                .logProbsFrom(-0.5)
                .logRatios(new double[][]{{-0.5, -0.1, 0.05, 0.1}, {0.4, -0.1, 0.05, 0}, {-0.5, -0.1, 0, 0},
                        {-0.1, 0.05, -0.1, 0.1}})
                .reference(-0.3, 0.2, 0.5, -0.05)
                .advantages(1.2, 0.4, -0.7, 0)
                .groupSize(4).maxCompletionLength(5)
                .build();
        PolicyLoss loss = new LikelihoodPreservingLoss(new ClippedTokenLoss(0.2, 0.28, 0.1, aggregation), 0.7);
        FiniteDifferences.check(fixture, loss, batch, 1e-8);
    }
}
