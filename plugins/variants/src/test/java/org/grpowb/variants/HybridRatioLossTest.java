package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.DataType;
import java.util.Map;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;
import org.grpowb.variants.HybridRatioLoss.Mixing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DHPO's mixed-ratio surrogate on hand-built micro-batches, then its gradient against finite differences.
 *
 * <p>The running example: token branch clipped to [0.8, 1.2], sequence branch to [0.95, 1.05], averaged mixing
 * (w = ½), grpo aggregation over N = 3 sequences; ρ̃ = ½ρ + ½s, ρ_mix = ½clip(ρ) + ½clip(s).
 * <pre>
 *   seq 0, A = +1: ρ = 1.5, 0.96   s = √(1.5 · 0.96) = 1.2 → clip 1.05
 *                  ρ̃ = 1.35, 1.08   ρ_mix = ½·1.2 + ½·1.05 = 1.125, ½·0.96 + ½·1.05 = 1.005
 *                  min → 1.125, 1.005 (both clipped)                      ℓ mean = −1.065
 *   seq 1, A = −1: ρ = 0.5, 1.28   s = √0.64 = 0.8 → clip 0.95
 *                  ρ̃ = 0.65, 1.04   ρ_mix = ½·0.8 + ½·0.95 = 0.875, ½·1.2 + ½·0.95 = 1.075
 *                  min(−ρ̃, −ρ_mix) → −0.875, −1.075 (both clipped)        ℓ mean = 0.975
 *   seq 2, A = −1: ρ = s = 1.3     ρ̃ = 1.3, ρ_mix = ½·1.2 + ½·1.05 = 1.125
 *                  min(−1.3, −1.125) = −1.3 (ran away with A &lt; 0: unclipped)   ℓ = 1.3
 *   L = (−1.065 + 0.975 + 1.3) / 3 = 1.21 / 3 = 0.403333
 * </pre>
 */
class HybridRatioLossTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private static final double[][] OLD = {{-1, -1}, {-1, -1}, {-1, NEG_INF}};
    private static final double[][] NEW = {{-1 + Math.log(1.5), -1 + Math.log(0.96)},
            {-1 + Math.log(0.5), -1 + Math.log(1.28)}, {-1 + Math.log(1.3), 0}};
    private static final double[][] ADV = {{1, 1}, {-1, -1}, {-1, 0}};
    private static final double[][] MASK = {{1, 1}, {1, 1}, {1, 0}};
    /** Entropy mixing: w = 2/2, 0.5/2 | all zero → ½ | 0.7/0.7 (NaN on padding must not matter). */
    private static final double[][] ENTROPY = {{2.0, 0.5}, {0, 0}, {0.7, Double.NaN}};
    /** G = 3, L_max = 2, 5 tokens and 3 sequences in the whole step; no entropies. */
    private static final MicroBatch EXAMPLE = MicroBatch.of(NEW, OLD, ADV, MASK, 3, 2, 5, 3);

    private static HybridRatioLoss loss(Mixing mixing) {
        return new HybridRatioLoss(0.2, 0.2, 0.05, 0.05, 0, mixing, LossAggregation.GRPO);
    }

    @Test
    void averagedMixingOfTheRunningExample() {
        PolicyLossOutput out = loss(Mixing.AVERAGED).loss(fixture.input(EXAMPLE));
        assertEquals(1.21 / 3, value(out), 1e-12);
        assertEquals(0.403333, value(out), 1e-6);
        // clipped mix active on 4 of 5 tokens (all but seq 2's)
        assertEquals(0.8, out.metrics().get("clip_frac"), 1e-12);
        // token ratios (1.5 + 0.96 + 0.5 + 1.28 + 1.3) / 5 = 1.108; sequence ratios (1.2 + 0.8 + 1.3) / 3 = 1.1
        assertEquals(1.108, out.metrics().get("ratio_mean"), 1e-12);
        assertEquals(1.1, out.metrics().get("seq_ratio_mean"), 1e-12);
        assertEquals(0.5, out.metrics().get("mixing_weight"), 1e-12);
        assertEquals(0.0, out.metrics().get("kl"), 0.0);
        assertArrayEquals(new double[]{1, 1, 1, 1, 0, 0},
                out.tokenClipped().toType(DataType.FLOAT64, false).toDoubleArray(), 0.0);
    }

    @Test
    void eachBranchIsClippedInItsOwnRange() {
        // d/dΔ: seq 0, token 0 — both branches clipped: 0; token 1 — ρ = 0.96 inside, s clipped:
        //   −½ · 0.96 / (|y| 2 · N 3) = −0.08; seq 1 — clipped: 0;
        //   seq 2 — unclipped, ρ̃ = ½ρ + ½s and s = ρ for one token: (½ · 1.3 + ½ · 1.3) / 3 = 0.433333
        double[] gradient = fixture.autograd(loss(Mixing.AVERAGED), EXAMPLE).gradient();
        assertArrayEquals(new double[]{0, -0.08, 0, 0, 1.3 / 3, 0}, gradient, 1e-12);
    }

    @Test
    void entropyMixingWeighsTokensByTheirNormalisedEntropy() {
        // w: seq 0 = 1, 0.25 (largest entropy 2); seq 1 = ½, ½ (no entropy: fallback); seq 2 = 1
        //   seq 0 token 0, w = 1:    ρ̃ = 1.5, ρ_mix = 1.2                          → ℓ = −1.2
        //   seq 0 token 1, w = ¼:    ρ̃ = ¼·0.96 + ¾·1.2 = 1.14, ρ_mix = ¼·0.96 + ¾·1.05 = 1.0275 → ℓ = −1.0275
        //   seq 1 as averaged:                                                      ℓ mean = 0.975
        //   seq 2, w = 1:            ρ̃ = 1.3, ρ_mix = 1.2, A = −1 → min(−1.3, −1.2) → ℓ = 1.3
        // L = ((−1.2 − 1.0275)/2 + 0.975 + 1.3) / 3 = (−1.11375 + 2.275) / 3 = 0.387083; mean w = 3.25/5 = 0.65
        PolicyLossOutput out = loss(Mixing.ENTROPY).loss(fixture.input(EXAMPLE.withEntropies(ENTROPY)));
        assertEquals(1.16125 / 3, value(out), 1e-12);
        assertEquals(0.387083, value(out), 1e-6);
        assertEquals(0.65, out.metrics().get("mixing_weight"), 1e-12);
        assertEquals(0.8, out.metrics().get("clip_frac"), 1e-12);
    }

    @Test
    void entropyMixingWithoutEntropiesFallsBackToAveraged() {
        assertEquals(1.21 / 3, value(loss(Mixing.ENTROPY).loss(fixture.input(EXAMPLE))), 1e-12);
        // averaged mixing ignores entropies that are given
        assertEquals(1.21 / 3, value(loss(Mixing.AVERAGED).loss(fixture.input(EXAMPLE.withEntropies(ENTROPY)))), 1e-12);
    }

    @Test
    void withoutClippingItIsTheMeanOfTheGrpoAndGspoSurrogates() {
        // wide ranges: ρ_mix = ρ̃ = ½ρ + ½s, so L = ½ L_GRPO + ½ L_GSPO, both unclipped
        //   L_GRPO = (−(1.5 + 0.96)/2 + (0.5 + 1.28)/2 + 1.3) / 3 = (−1.23 + 0.89 + 1.3) / 3 = 0.32
        //   L_GSPO = (−1.2 + 0.8 + 1.3) / 3 = 0.3
        double wide = 10;
        PolicyLossInput in = fixture.input(EXAMPLE);
        double mixed = value(new HybridRatioLoss(wide, wide, wide, wide, 0, Mixing.AVERAGED, LossAggregation.GRPO).loss(in));
        double grpo = value(new ClippedTokenLoss(wide, wide, 0, LossAggregation.GRPO).loss(in));
        double gspo = value(new ClippedSequenceLoss(wide, wide, 0).loss(in));
        assertEquals(0.32, grpo, 1e-12);
        assertEquals(0.3, gspo, 1e-12);
        assertEquals(0.31, mixed, 1e-12);
    }

    @Test
    void perTokenAdvantagesWeighTheirOwnTokensInBothBranches() {
        // wide ranges and averaged mixing, A = (1, 0.5), (−1, 0.5), (−1): L = ½ L_token + ½ L_sequence with
        //   L_token    = (−(1.5 · 1 + 0.96 · 0.5)/2 − (0.5 · (−1) + 1.28 · 0.5)/2 + 1.3) / 3 = (−0.99 − 0.07 + 1.3) / 3 = 0.08
        //   L_sequence = (−1.2 (1 + 0.5)/2 − 0.8 (−1 + 0.5)/2 + 1.3) / 3 = (−0.9 + 0.2 + 1.3) / 3 = 0.2
        // L = 0.14 (the row means 0.75 and −0.25 would give 0.2)
        double wide = 10;
        MicroBatch perToken = EXAMPLE.withAdvantages(new double[][]{{1, 0.5}, {-1, 0.5}, {-1, 0}});
        PolicyLossInput in = fixture.input(perToken);
        assertEquals(0.08, value(new ClippedTokenLoss(wide, wide, 0, LossAggregation.GRPO).loss(in)), 1e-12);
        assertEquals(0.14,
                value(new HybridRatioLoss(wide, wide, wide, wide, 0, Mixing.AVERAGED, LossAggregation.GRPO).loss(in)),
                1e-12);
        // and the gradient is the gradient of that value (no stop-gradient here), per token
        FiniteDifferences.check(fixture, new HybridRatioLoss(wide, wide, wide, wide, 0, Mixing.AVERAGED,
                LossAggregation.GRPO), perToken, 1e-8);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = loss(Mixing.ENTROPY).loss(fixture.input(EXAMPLE.withEntropies(ENTROPY), DataType.FLOAT32));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(1.16125 / 3, value(out), 1e-6);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        MicroBatch batch = EXAMPLE.withReference(new double[][]{{-1.2, -0.9}, {-0.8, -1.1}, {-1.0, 3}})
                .withEntropies(ENTROPY);
        for (LossAggregation a : LossAggregation.values()) {
            HybridRatioLoss loss = new HybridRatioLoss(0.2, 0.28, 0.05, 0.05, 0.1, Mixing.ENTROPY, a);
            double whole = value(loss.loss(fixture.input(batch)));
            assertEquals(whole, fixture.sumOfRowLosses(loss, batch), 1e-12, a.name());
        }
    }

    @Test
    void fullyMaskedRowsContributeNothingAndNeverNaN() {
        MicroBatch withRow = EXAMPLE.plusDroppedRollout(0, 4)
                .withEntropies(new double[][]{ENTROPY[0], ENTROPY[1], ENTROPY[2], {Double.NaN, Double.NaN}});
        PolicyLossOutput out = loss(Mixing.ENTROPY).loss(fixture.input(withRow));
        assertEquals(1.16125 / 3, value(out), 1e-12);
        assertEquals(0.65, out.metrics().get("mixing_weight"), 1e-12);
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLossAndNeutralMetrics() {
        MicroBatch empty = MicroBatch.withoutTokens().withReference(new double[][]{{3, 3}})
                .withEntropies(new double[][]{{1, 1}});
        for (LossAggregation a : LossAggregation.values()) {
            PolicyLossOutput out = new HybridRatioLoss(0.2, 0.28, 3e-4, 4e-4, 0.1, Mixing.ENTROPY, a)
                    .loss(fixture.input(empty));
            assertEquals(0.0, value(out), 0.0, a.name());
            assertEquals(Map.of("kl", 0.0, "clip_frac", 0.0, "ratio_mean", 1.0, "seq_ratio_mean", 1.0,
                    "mixing_weight", 0.5), out.metrics());
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> new HybridRatioLoss(-0.2, 0.28, 3e-4, 4e-4, 0, Mixing.AVERAGED, LossAggregation.GRPO));
        assertThrows(IllegalArgumentException.class,
                () -> new HybridRatioLoss(0.2, 0.28, Double.NaN, 4e-4, 0, Mixing.AVERAGED, LossAggregation.GRPO));
        assertThrows(NullPointerException.class,
                () -> new HybridRatioLoss(0.2, 0.28, 3e-4, 4e-4, 0, null, LossAggregation.GRPO));
        assertThrows(IllegalArgumentException.class, () -> Mixing.of("geometric"));
        assertEquals(Mixing.ENTROPY, Mixing.of("entropy"));
    }

    /**
     * Autograd against central differences in float64: entropy mixing, β > 0 with a reference, padding, every
     * aggregation. Token ranges [0.8, 1.28], sequence ranges [0.9, 1.1]; each row's ratios sit away from the kinks:
     * row 0 (A > 0) s = 1.05 inside, ρ = 1.57 (clipped), 0.70 (below, unclipped), 1.16, 0.95; row 1 (A < 0) s = 0.85
     * clipped low, ρ = 0.94, 0.77; row 2 (A > 0) s = 1.2 clipped high, ρ = 1.33, 1.2, 1.09; row 1's entropies are 0
     * (fallback w = ½).
     */
    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void gradientMatchesFiniteDifferences(LossAggregation aggregation) {
        MicroBatch batch = MicroBatch.completions(4, 2, 3).paddedTo(4)
                .logProbsFrom(-0.5)
                .logRatios(new double[]{Math.log(1.05), Math.log(0.85), Math.log(1.2)},
                        new double[][]{{0.4, -0.4, 0.1, -0.1}, {0.1, -0.1, 0, 0}, {0.1, 0, -0.1, 0}})
                .entropies(new double[][]{{0.5, 1.5, 1.0, 0.2}, {0, 0, 0, 0}, {0.3, 0.9, 0.6, Double.NaN}})
                .reference(-0.3, 0.2, 0.5, -0.05)
                .advantages(1.2, -0.7, 0.4)
                .groupSize(3).maxCompletionLength(5)
                .build();
        FiniteDifferences.check(fixture, new HybridRatioLoss(0.2, 0.28, 0.1, 0.1, 0.1, Mixing.ENTROPY, aggregation),
                batch, 1e-8);
    }
}
