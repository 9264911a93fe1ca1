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

/**
 * GSPO's clipped loss in its token form (GSPO-token) on hand-built micro-batches, then its gradient against finite
 * differences.
 *
 * <p>The running example has one advantage per completion, so GSPO-token must give GSPO's sequence-level value and
 * gradient, computed here from the sequence formula. ε_low = ε_high = 0.2 (log π_old = −1 on every token,
 * log π_θ = −1 + Δ):
 * <pre>
 *   seq 0, A = +1,   Δ = ln 2, 0          s = exp(ln 2 / 2) = √2 = 1.414214   clipped high: min(1.414, 1.2) = 1.2
 *   seq 1, A = −1,   Δ = ln ½, 0, 0       s = 2^(−1/3) = 0.793701            clipped low: min(−0.794, −0.8) = −0.8
 *   seq 2, A = +0.5, Δ = ln 1.21, 0       s = exp(ln 1.21 / 2) = 1.1         inside: 0.55
 *   seq 3, A = −1,   Δ = ln 1.5           s = 1.5                            ran away upwards with A &lt; 0: min(−1.5, −1.2) = −1.5
 *   L = −(1.2 − 0.8 + 0.55 − 1.5) / 4 sequences = 0.55 / 4 = 0.1375
 * </pre>
 */
class ClippedSequenceLossTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;
    private static final double LN2 = Math.log(2);

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private static final double[][] OLD = {{-1, -1, NEG_INF}, {-1, -1, -1}, {-1, -1, NEG_INF}, {-1, NEG_INF, NEG_INF}};
    private static final double[][] NEW = {{-1 + LN2, -1, 0}, {-1 - LN2, -1, -1}, {-1 + Math.log(1.21), -1, 0},
            {-1 + Math.log(1.5), 0, 0}};
    /** Padding carries junk advantages: A_i is read over masked tokens only. */
    private static final double[][] ADV = {{1, 1, 9}, {-1, -1, -1}, {0.5, 0.5, 9}, {-1, 9, 9}};
    private static final double[][] MASK = {{1, 1, 0}, {1, 1, 1}, {1, 1, 0}, {1, 0, 0}};
    /** G = 4, L_max = 3, 8 tokens and 4 sequences in the whole step. */
    private static final MicroBatch EXAMPLE = MicroBatch.of(NEW, OLD, ADV, MASK, 4, 3, 8, 4);

    @Test
    void runningExampleClipsBothSidesPerSequence() {
        PolicyLossOutput out = new ClippedSequenceLoss(0.2, 0.2, 0).loss(fixture.input(EXAMPLE));
        assertEquals(0.1375, value(out), 1e-12);
        // sequences 0 (high, A > 0) and 1 (low, A < 0) are clipped; 3 ran away but keeps its gradient:
        // their 2 + 3 tokens of the 8 masked ones
        assertEquals(5.0 / 8, out.metrics().get("clip_frac"), 1e-12);
        // (√2 + 2^(−1/3) + 1.1 + 1.5) / 4 = 4.807915 / 4
        assertEquals((Math.sqrt(2) + Math.pow(2, -1.0 / 3) + 1.1 + 1.5) / 4, out.metrics().get("ratio_mean"), 1e-12);
        assertEquals(1.201979, out.metrics().get("ratio_mean"), 1e-6);
        assertEquals(1.5, out.metrics().get("ratio_max"), 1e-12);
        assertEquals(0.0, out.metrics().get("kl"), 0.0);
        // the inspector's flags: every masked token of sequences 0 and 1
        assertArrayEquals(new double[]{1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0},
                out.tokenClipped().toType(DataType.FLOAT64, false).toDoubleArray(), 0.0);
    }

    @Test
    void theGradientIsTheSequenceRatioSpreadOverItsTokens() {
        // GSPO: d/dΔ_{i,t} of −s_i A_i / N is −A_i s_i / (|y_i| N) where unclipped, 0 where clipped (∂s_i/∂Δ_{i,t} =
        // s_i / |y_i|); GSPO-token gets the same from −(1/N)(1/|y_i|) Σ_t s_{i,t} A with ∂s_{i,t}/∂Δ_{i,t} = s_i:
        //   seq 2: −0.5 · 1.1 / (2 · 4) = −0.06875 on both tokens; seq 3: +1 · 1.5 / (1 · 4) = 0.375
        double[] gradient = fixture.autograd(new ClippedSequenceLoss(0.2, 0.2, 0), EXAMPLE).gradient();
        assertArrayEquals(new double[]{0, 0, 0, 0, 0, 0, -0.06875, -0.06875, 0, 0.375, 0, 0}, gradient, 1e-12);
    }

    @Test
    void paperDefaultsClipATinyTrustRegionOnBothSides() {
        // one token per sequence, so s = ρ; ε_low = 3e-4, ε_high = 4e-4: s is clipped to [0.9997, 1.0004]
        //   s 1.0002, A +1: inside                  → 1.0002
        //   s 1.0005, A +1: clipped high            → 1.0004
        //   s 0.9996, A −1: clipped low             → min(−0.9996, −0.9997) = −0.9997
        //   s 0.9996, A +1: below, but A > 0        → min(0.9996, 0.9997) = 0.9996 (gradient kept)
        //   s 1.0005, A −1: above, but A < 0        → min(−1.0005, −1.0004) = −1.0005 (gradient kept)
        // L = −(1.0002 + 1.0004 − 0.9997 + 0.9996 − 1.0005) / 5 = −1.0000 / 5 = −0.2; clip_frac 2/5
        double[] s = {1.0002, 1.0005, 0.9996, 0.9996, 1.0005};
        double[] a = {1, 1, -1, 1, -1};
        double[][] logp = new double[5][1];
        double[][] adv = new double[5][1];
        double[][] ones = new double[5][1];
        for (int i = 0; i < 5; i++) {
            logp[i][0] = Math.log(s[i]);
            adv[i][0] = a[i];
            ones[i][0] = 1;
        }
        MicroBatch batch = MicroBatch.of(logp, new double[5][1], adv, ones, 5, 1, 5, 5);
        PolicyLossFixture.Autograd autograd = fixture.autograd(new ClippedSequenceLoss(3e-4, 4e-4, 0), batch);
        assertEquals(-0.2, value(autograd.output()), 1e-12);
        assertEquals(0.4, autograd.output().metrics().get("clip_frac"), 1e-12);   // 2 of 5 tokens
        // −A s / 5 where the gradient survives
        assertArrayEquals(new double[]{-1.0002 / 5, 0, 0, -0.9996 / 5, 1.0005 / 5}, autograd.gradient(), 1e-12);
    }

    /**
     * Per-token advantages (THR reweighting, entropy selection) are each token's own: ε = 0.2, N = 2.
     * <pre>
     *   seq 0: Δ = ln 1.1 ± 0.1, s = 1.1 (inside);  A = +1, −0.5     → min: 1.1, −0.55 (both unclipped)
     *   seq 1: Δ = ln 1.5 + 0.2, −0.3, +0.1, s = 1.5;  A = +2, −1, +0.5
     *          → min(3, 2.4) = 2.4 clipped, min(−1.5, −1.2) = −1.5 kept, min(0.75, 0.6) = 0.6 clipped
     *   L = −(1/2) [ (1.1 − 0.55)/2 + (2.4 − 1.5 + 0.6)/3 ] = −(1/2)(0.275 + 0.5) = −0.3875
     *   ∂L/∂log π_{i,t} = −(1/N)(1/|y_i|) A_{i,t} s_i where unclipped:
     *     seq 0: −(1/4)(1.1) = −0.275, −(1/4)(−0.5)(1.1) = 0.1375;  seq 1: 0, −(1/6)(−1)(1.5) = 0.25, 0
     * </pre>
     * With the row means (0.25 and 0.5) GSPO would instead push both tokens of seq 0 up by (1/4)(0.25)(1.1).
     */
    @Test
    void perTokenAdvantagesWeighTheirOwnTokens() {
        double l11 = Math.log(1.1);
        double l15 = Math.log(1.5);
        double[][] old = {{-1, -1, NEG_INF}, {-1, -1, -1}};
        double[][] logp = {{-1 + l11 + 0.1, -1 + l11 - 0.1, 0}, {-1 + l15 + 0.2, -1 + l15 - 0.3, -1 + l15 + 0.1}};
        double[][] adv = {{1, -0.5, 0}, {2, -1, 0.5}};
        double[][] mask = {{1, 1, 0}, {1, 1, 1}};
        PolicyLossFixture.Autograd autograd = fixture.autograd(new ClippedSequenceLoss(0.2, 0.2, 0),
                MicroBatch.of(logp, old, adv, mask, 2, 3, 5, 2));
        assertEquals(-0.3875, value(autograd.output()), 1e-12);
        assertArrayEquals(new double[]{-0.275, 0.1375, 0, 0, 0.25, 0}, autograd.gradient(), 1e-12);
        assertEquals(0.4, autograd.output().metrics().get("clip_frac"), 1e-12);
        assertArrayEquals(new double[]{0, 0, 0, 1, 0, 1},
                autograd.output().tokenClipped().toType(DataType.FLOAT64, false).toDoubleArray(), 0.0);
        // sequence-level numbers are unchanged: s = 1.1 and 1.5
        assertEquals(1.3, autograd.output().metrics().get("ratio_mean"), 1e-12);
    }

    @Test
    void klIsTheTokenMeanK3PerSequence() {
        // Δ = 0 and A = 0, so L = β · (1/N) Σ_i mean_t KL, KL = e^d − d − 1 with d = log π_ref − log π_θ:
        //   seq 0: d = ln 2, 0, −ln 2 → KL = 1 − ln 2, 0, ln 2 − 1/2, mean (1/2)/3 = 1/6
        //   seq 1: d = 0, ln 2, pad   → KL = 0, 1 − ln 2,            mean (1 − ln 2)/2
        // β = 0.5: 0.5 · (1/6 + (1 − ln 2)/2) / 2 = 0.080023; kl metric over 5 tokens (3/2 − ln 2)/5 = 0.161371
        double lnHalf = Math.log(0.5);
        double[][] logp = {{lnHalf, lnHalf, lnHalf}, {lnHalf, lnHalf, 0}};
        double[][] ref = {{0, lnHalf, Math.log(0.25)}, {lnHalf, 0, 7}};
        double[][] zero = {{0, 0, 0}, {0, 0, 0}};
        double[][] mask = {{1, 1, 1}, {1, 1, 0}};
        PolicyLossInput in = fixture.input(MicroBatch.of(logp, logp, zero, mask, 2, 3, 5, 2).withReference(ref));
        PolicyLossOutput out = new ClippedSequenceLoss(3e-4, 4e-4, 0.5).loss(in);
        assertEquals(0.5 * (1.0 / 6 + (1 - LN2) / 2) / 2, value(out), 1e-12);
        assertEquals(0.080023, value(out), 1e-6);
        assertEquals((1.5 - LN2) / 5, out.metrics().get("kl"), 1e-12);
        assertEquals(0.161371, out.metrics().get("kl"), 1e-6);
        // β = 0 ignores the reference
        PolicyLossOutput off = new ClippedSequenceLoss(3e-4, 4e-4, 0).loss(in);
        assertEquals(0.0, value(off), 0.0);
        assertEquals(0.0, off.metrics().get("kl"), 0.0);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = new ClippedSequenceLoss(0.2, 0.2, 0).loss(fixture.input(EXAMPLE, DataType.FLOAT32));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(0.1375, value(out), 1e-6);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        ClippedSequenceLoss loss = new ClippedSequenceLoss(0.2, 0.28, 0);
        double whole = value(loss.loss(fixture.input(EXAMPLE)));
        assertEquals(whole, fixture.sumOfRowLosses(loss, EXAMPLE), 1e-12);
    }

    @Test
    void fullyMaskedRowsContributeNothingAndNeverNaN() {
        // a fifth row of padding only (a dropped rollout): −∞ old log-probs, junk advantage; N stays 4 kept sequences
        MicroBatch withRow = EXAMPLE.plusDroppedRollout(0, 3)
                .withReference(new double[][]{NEW[0], NEW[1], NEW[2], NEW[3], {5, 5, 5}})
                .withGroupSize(5);
        PolicyLossOutput out = new ClippedSequenceLoss(0.2, 0.2, 0.1).loss(fixture.input(withRow));
        assertEquals(0.1375, value(out), 1e-12);
        assertEquals(5.0 / 8, out.metrics().get("clip_frac"), 1e-12);
        assertEquals(1.5, out.metrics().get("ratio_max"), 1e-12);
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLossAndNeutralMetrics() {
        PolicyLossOutput out = new ClippedSequenceLoss(0.2, 0.2, 0.1).loss(
                fixture.input(MicroBatch.withoutTokens().withReference(new double[][]{{3, 3}})));
        assertEquals(0.0, value(out), 0.0);
        assertEquals(Map.of("kl", 0.0, "clip_frac", 0.0, "ratio_mean", 1.0, "ratio_max", 1.0), out.metrics());
    }

    @Test
    void inputsStayOpen() {
        PolicyLossInput in = fixture.input(EXAMPLE, DataType.FLOAT32);
        new ClippedSequenceLoss(0.2, 0.2, 0).loss(in);
        for (NDArray x : new NDArray[]{in.logProbs(), in.oldLogProbs(), in.advantages(), in.mask()}) {
            assertTrue(!x.isReleased());
            assertEquals(12, x.toFloatArray().length);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ClippedSequenceLoss(-1e-4, 4e-4, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClippedSequenceLoss(3e-4, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClippedSequenceLoss(3e-4, 4e-4, -1));
    }

    /**
     * Autograd against central differences in float64, β > 0 with a reference, clip-higher and padding. The
     * advantage is constant along each completion: only then is GSPO-token's stop-gradient construction the gradient
     * of its value (with per-token advantages it is not, by design; see the hand-computed test above). Each row's
     * mean log-ratio is set away from the kinks at 1 − ε_low = 0.8 and 1 + ε_high = 1.28: s = 1.5 (clipped, A > 0),
     * 0.9 (inside, A < 0), 0.7 (below, but A > 0: unclipped).
     */
    @Test
    void gradientMatchesFiniteDifferences() {
        MicroBatch batch = MicroBatch.completions(4, 2, 3).paddedTo(4)
                .logProbsFrom(-0.5)
                .logRatios(new double[]{Math.log(1.5), Math.log(0.9), Math.log(0.7)},
                        new double[][]{{0.1, -0.1, 0.2, -0.2}, {0.05, -0.05, 0, 0}, {0.1, 0, -0.1, 0}})
                .reference(-0.3, 0.2, 0.5, -0.05)
                .advantages(1.2, -0.7, 0.4)
                .groupSize(3).maxCompletionLength(5)
                .build();
        FiniteDifferences.check(fixture, new ClippedSequenceLoss(0.2, 0.28, 0.1), batch, 1e-8);
    }
}
