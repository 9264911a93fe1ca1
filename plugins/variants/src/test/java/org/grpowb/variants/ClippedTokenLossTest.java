package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The clipped GRPO loss on hand-built micro-batches, then its gradient against central finite differences.
 *
 * <p>The running example: two sequences of up to three tokens, ε = 0.2.
 * <pre>
 *   sequence 0, A = +1: ρ = 1.0, 1.5, 0.9       surrogate min(ρA, clip(ρ)A) = 1.0, 1.2 (clipped high), 0.9
 *   sequence 1, A = −1: ρ = 0.5, 1.1, padding   surrogate = −0.8 (clipped low), −1.1
 *   ℓ = −surrogate: −1.0, −1.2, −0.9 | 0.8, 1.1;  Σ ℓ = −3.1 + 1.9 = −1.2 over 5 tokens
 * </pre>
 */
class ClippedTokenLossTest {

    private static final double LN2 = Math.log(2);
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    /** log π_old = ln q and log π_θ = ln(q ρ), so the ratio is exactly ρ; padding has log π_old = −∞. */
    private static final double[][] OLD = {{Math.log(0.4), Math.log(0.4), Math.log(0.5)}, {Math.log(0.8), Math.log(0.5), NEG_INF}};
    private static final double[][] NEW = {{Math.log(0.4), Math.log(0.6), Math.log(0.45)}, {Math.log(0.4), Math.log(0.55), 0}};
    private static final double[][] ADV = {{1, 1, 1}, {-1, -1, -1}};
    private static final double[][] MASK = {{1, 1, 1}, {1, 1, 0}};
    /** G = 2, L_max = 4, 5 tokens and 2 sequences in the whole step. */
    private static final MicroBatch EXAMPLE = MicroBatch.of(NEW, OLD, ADV, MASK, 2, 4, 5, 2);

    @Test
    void grpoAggregationAveragesEachSequenceThenSequences() {
        // (−3.1/3 + 1.9/2) / 2 = (−31/30 + 19/20) / 2 = (−1/12) / 2 = −1/24
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.GRPO).loss(fixture.input(EXAMPLE));
        assertEquals(-1.0 / 24, value(out), 1e-12);
    }

    @Test
    void bnpoAndDapoAggregationDivideByTheBatchTokens() {
        // −1.2 / 5 active tokens = −0.24
        for (LossAggregation a : new LossAggregation[]{LossAggregation.BNPO, LossAggregation.DAPO}) {
            PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, a).loss(fixture.input(EXAMPLE));
            assertEquals(-0.24, value(out), 1e-12, a.name());
        }
    }

    @Test
    void drGrpoAggregationDividesBySequencesTimesBudget() {
        // −1.2 / (2 sequences · L_max 4) = −0.15
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DR_GRPO).loss(fixture.input(EXAMPLE));
        assertEquals(-0.15, value(out), 1e-12);
        PolicyLossInput noBudget = fixture.input(EXAMPLE.withMaxCompletionLength(0));
        assertThrows(IllegalArgumentException.class,
                () -> new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DR_GRPO).loss(noBudget));
    }

    @Test
    void metricsOfTheRunningExample() {
        // one token clipped high (ρ 1.5, A > 0) and one clipped low (ρ 0.5, A < 0) of 5: clip_frac 0.4;
        // ratios 1.0 + 1.5 + 0.9 + 0.5 + 1.1 = 5.0, mean 1.0, max 1.5; no reference: kl 0
        Map<String, Double> m = new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO)
                .loss(fixture.input(EXAMPLE)).metrics();
        assertEquals(0.4, m.get("clip_frac"), 1e-12);
        assertEquals(1.0, m.get("ratio_mean"), 1e-12);
        assertEquals(1.5, m.get("ratio_max"), 1e-12);
        assertEquals(0.0, m.get("kl"), 0.0);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DAPO)
                .loss(fixture.input(EXAMPLE, DataType.FLOAT32));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(-0.24, value(out), 1e-6);
        assertEquals(0.4, out.metrics().get("clip_frac"), 1e-6);
    }

    @Test
    void clipHigherWidensOnlyTheUpperSide() {
        // ε_high = 0.6: ρ = 1.5 is inside [0.8, 1.6], surrogate 1.5; Σ ℓ = −(1.0 + 1.5 + 0.9) + 1.9 = −1.5, / 5 = −0.3;
        // only the low clip (ρ 0.5, A < 0) remains: clip_frac 1/5
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.6, 0, LossAggregation.DAPO).loss(fixture.input(EXAMPLE));
        assertEquals(-0.3, value(out), 1e-12);
        assertEquals(0.2, out.metrics().get("clip_frac"), 1e-12);
    }

    @Test
    void clippingCutsTheGradientOnlyWhereTheRatioRunsAway() {
        // ρ = 0.5, 1.5 with A = +1, then with A = −1; ε = 0.2, dapo over 4 tokens:
        //   (0.5, +1): min(0.5, 0.8) = 0.5   not clipped, d/dlogπ of −ρA/4 = −0.125
        //   (1.5, +1): min(1.5, 1.2) = 1.2   clipped, gradient 0
        //   (0.5, −1): min(−0.5, −0.8) = −0.8 clipped, gradient 0
        //   (1.5, −1): min(−1.5, −1.2) = −1.5 not clipped, gradient +1.5/4 = 0.375
        // ℓ = −0.5, −1.2, 0.8, 1.5; loss 0.6 / 4 = 0.15; clip_frac 2/4
        double[][] old = {{0, 0}, {0, 0}};
        double[][] logProbs = {{Math.log(0.5), Math.log(1.5)}, {Math.log(0.5), Math.log(1.5)}};
        double[][] adv = {{1, 1}, {-1, -1}};
        double[][] mask = {{1, 1}, {1, 1}};
        PolicyLossFixture.Autograd autograd = fixture.autograd(new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DAPO),
                MicroBatch.of(logProbs, old, adv, mask, 2, 2, 4, 2));
        assertEquals(0.15, value(autograd.output()), 1e-12);
        assertEquals(0.5, autograd.output().metrics().get("clip_frac"), 1e-12);
        assertArrayEquals(new double[]{-0.125, 0, 0, 0.375}, autograd.gradient(), 1e-12);
    }

    @Test
    void klTermIsTheK3EstimatorWeightedByBeta() {
        // ρ = 1 and A = 0, so ℓ = β · KL with KL = e^d − d − 1, d = log π_ref − log π_θ:
        //   sequence 0: d = ln 2, 0, −ln 2  →  KL = 1 − ln 2, 0, ln 2 − 1/2   (Σ = 1/2)
        //   sequence 1: d = 0, ln 2, padding →  KL = 0, 1 − ln 2              (Σ = 1 − ln 2)
        // kl metric = (3/2 − ln 2) / 5 = 0.161371; β = 0.5:
        //   dapo: 0.5 · (3/2 − ln 2) / 5 = 0.080685
        //   grpo: 0.5 · ((1/2)/3 + (1 − ln 2)/2) / 2 = 0.080023
        double lnHalf = Math.log(0.5);
        double[][] logp = {{lnHalf, lnHalf, lnHalf}, {lnHalf, lnHalf, 0}};
        double[][] ref = {{0, lnHalf, Math.log(0.25)}, {lnHalf, 0, 7}};
        double[][] zero = {{0, 0, 0}, {0, 0, 0}};
        PolicyLossInput in = fixture.input(MicroBatch.of(logp, logp, zero, MASK, 2, 3, 5, 2).withReference(ref));

        PolicyLossOutput dapo = new ClippedTokenLoss(0.2, 0.2, 0.5, LossAggregation.DAPO).loss(in);
        assertEquals(0.5 * (1.5 - LN2) / 5, value(dapo), 1e-12);
        assertEquals(0.080685, value(dapo), 1e-6);
        assertEquals((1.5 - LN2) / 5, dapo.metrics().get("kl"), 1e-12);
        assertEquals(0.161371, dapo.metrics().get("kl"), 1e-6);

        PolicyLossOutput grpo = new ClippedTokenLoss(0.2, 0.2, 0.5, LossAggregation.GRPO).loss(in);
        assertEquals(0.5 * ((0.5 / 3) + (1 - LN2) / 2) / 2, value(grpo), 1e-12);
        assertEquals(0.080023, value(grpo), 1e-6);

        // β = 0 ignores a given reference entirely
        PolicyLossOutput off = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DAPO).loss(in);
        assertEquals(0.0, value(off), 0.0);
        assertEquals(0.0, off.metrics().get("kl"), 0.0);
    }

    @Test
    void klAddsToTheSurrogateLoss() {
        // running example with the reference one step away on a single token: d = ln 2 at sequence 0, token 0,
        // KL = 1 − ln 2 there; dapo with β = 0.1: (−1.2 + 0.1 · (1 − ln 2)) / 5
        double[][] ref = NEW.clone();
        ref[0] = NEW[0].clone();
        ref[0][0] = NEW[0][0] + LN2;
        ref[1] = new double[]{NEW[1][0], NEW[1][1], 99};
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0.1, LossAggregation.DAPO)
                .loss(fixture.input(EXAMPLE.withReference(ref)));
        assertEquals((-1.2 + 0.1 * (1 - LN2)) / 5, value(out), 1e-12);
        assertEquals((1 - LN2) / 5, out.metrics().get("kl"), 1e-12);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        MicroBatch batch = EXAMPLE.withReference(new double[][]{{-1.0, -0.5, -1.2}, {-0.7, -0.6, 0}});
        for (LossAggregation a : LossAggregation.values()) {
            ClippedTokenLoss loss = new ClippedTokenLoss(0.2, 0.28, 0.1, a);
            double whole = value(loss.loss(fixture.input(batch)));
            assertEquals(whole, fixture.sumOfRowLosses(loss, batch), 1e-12, a.name());
        }
    }

    @Test
    void fullyMaskedRowsContributeNothingAndNeverNaN() {
        // a third row that is all padding (a dropped rollout) leaves every aggregation unchanged
        MicroBatch withoutRow = EXAMPLE.withReference(new double[][]{NEW[0], NEW[1]});
        MicroBatch withRow = EXAMPLE.plusDroppedRollout(0, 3)
                .withReference(new double[][]{NEW[0], NEW[1], {5, 5, 5}})
                .withGroupSize(3);
        for (LossAggregation a : LossAggregation.values()) {
            ClippedTokenLoss loss = new ClippedTokenLoss(0.2, 0.2, 0.1, a);
            double withoutIt = value(loss.loss(fixture.input(withoutRow)));
            PolicyLossOutput withIt = loss.loss(fixture.input(withRow));
            assertEquals(withoutIt, value(withIt), 1e-12, a.name());
            assertEquals(0.4, withIt.metrics().get("clip_frac"), 1e-12);
        }
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLossAndNeutralMetrics() {
        MicroBatch empty = MicroBatch.withoutTokens().withReference(new double[][]{{3, 3}});
        for (LossAggregation a : LossAggregation.values()) {
            PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0.1, a).loss(fixture.input(empty));
            assertEquals(0.0, value(out), 0.0, a.name());
            assertEquals(Map.of("kl", 0.0, "clip_frac", 0.0, "ratio_mean", 1.0, "ratio_max", 1.0), out.metrics());
        }
    }

    @Test
    void inputsStayOpen() {
        PolicyLossInput in = fixture.input(EXAMPLE, DataType.FLOAT32);
        new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.GRPO).loss(in);
        for (NDArray x : new NDArray[]{in.logProbs(), in.oldLogProbs(), in.advantages(), in.mask()}) {
            assertTrue(!x.isReleased());
            assertEquals(6, x.toFloatArray().length);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ClippedTokenLoss(-0.1, 0.2, 0, LossAggregation.GRPO));
        assertThrows(IllegalArgumentException.class, () -> new ClippedTokenLoss(0.2, Double.NaN, 0, LossAggregation.GRPO));
        assertThrows(IllegalArgumentException.class, () -> new ClippedTokenLoss(0.2, 0.2, -1, LossAggregation.GRPO));
        assertThrows(NullPointerException.class, () -> new ClippedTokenLoss(0.2, 0.2, 0, null));
    }

    /**
     * Autograd against central differences in float64, with β > 0, clip-higher and padding. Log-ratios are drawn from
     * values at least 0.05 away from the kinks at ρ = 1 − ε_low and 1 + ε_high, where the loss is not differentiable:
     * −0.5, −0.1, 0.05, 0.1, 0.4 (ρ = 0.61, 0.90, 1.05, 1.11, 1.49), cycled in steps of three. Padding keeps the
     * row's values, so only the mask can keep it out of the loss.
     */
    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void gradientMatchesFiniteDifferences(LossAggregation aggregation) {
        MicroBatch batch = MicroBatch.completions(4, 2, 3).paddedTo(4)
                .paddingKeepsValues()
                .logProbsFrom(-0.5)
                .logRatios(new double[][]{{-0.5, 0.1, -0.1, 0.4}, {0.05, -0.5, 0.1, -0.1}, {0.4, 0.05, -0.5, 0.1}})
                .reference(-0.3, 0.2, 0.5, -0.05)
                .advantages(1.2, -0.7, 0.4)
                .groupSize(3).maxCompletionLength(5)
                .build();
        FiniteDifferences.check(fixture, new ClippedTokenLoss(0.2, 0.28, 0.1, aggregation), batch, 1e-8);
    }
}
