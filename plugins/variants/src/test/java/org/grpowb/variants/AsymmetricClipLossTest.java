package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NGRPO's asymmetric clipping on a hand-built micro-batch, then its gradient against central finite differences.
 *
 * <p>The running example: two sequences of up to three tokens, ε_pos = 0.24, ε_neg = 0.16 (the authors' values).
 * <pre>
 *   sequence 0, A = +1: ρ = 1.0, 1.22, 0.9     surrogate min(ρ, 1.24) · A = 1.0, 1.22, 0.9     (1.22 < 1.24: not clipped)
 *   sequence 1, A = −1: ρ = 0.5, 1.1, padding  surrogate max(ρ, 0.84) · A = −0.84, −1.1        (0.5 clipped to 0.84)
 *   ℓ = −surrogate: −1.0, −1.22, −0.9 | 0.84, 1.1;  Σ ℓ = −3.12 + 1.94 = −1.18 over 5 tokens
 * </pre>
 * GRPO's symmetric ε = 0.2 would clip 1.22 to 1.2 and leave 0.5 at 0.8: Σ ℓ = −3.1 + 1.9 = −1.2.
 */
class AsymmetricClipLossTest {

    private static final double LN2 = Math.log(2);
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** log π_old = ln q and log π_θ = ln(q ρ), so the ratio is exactly ρ; padding has log π_old = −∞. */
    private static final double[][] OLD = {{Math.log(0.5), Math.log(0.5), Math.log(0.5)}, {Math.log(0.8), Math.log(0.5), NEG_INF}};
    private static final double[][] NEW = {{Math.log(0.5), Math.log(0.61), Math.log(0.45)}, {Math.log(0.4), Math.log(0.55), 0}};
    private static final double[][] ADV = {{1, 1, 1}, {-1, -1, -1}};
    private static final double[][] MASK = {{1, 1, 1}, {1, 1, 0}};

    private static AsymmetricClipLoss ngrpo(double beta, LossAggregation aggregation) {
        return new AsymmetricClipLoss(0.24, 0.16, beta, aggregation);
    }

    private PolicyLossInput example(DataType type, double[][] ref, int maxLen) {
        return new PolicyLossInput(arr(NEW, type), arr(OLD, type), ref == null ? null : arr(ref, type), arr(ADV, type),
                arr(MASK, type), 2, maxLen, 5, 2);
    }

    private NDArray arr(double[][] x, DataType type) {
        NDArray a = manager.create(x);
        return type == DataType.FLOAT64 ? a : a.toType(type, false);
    }

    private static double value(PolicyLossOutput out) {
        assertEquals(new Shape(), out.loss().getShape());
        return out.loss().toType(DataType.FLOAT64, false).getDouble();
    }

    @Test
    void positiveRolloutsGetMoreRoomThanNegativeOnes() {
        // dapo: −1.18 / 5 = −0.236 (GRPO's symmetric clip: −1.2 / 5 = −0.24)
        PolicyLossOutput out = ngrpo(0, LossAggregation.DAPO).loss(example(DataType.FLOAT64, null, 4));
        assertEquals(-1.18 / 5, value(out), 1e-12);
        assertEquals(-0.236, value(out), 1e-12);
        double symmetric = value(new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DAPO).loss(example(DataType.FLOAT64, null, 4)));
        assertEquals(-0.24, symmetric, 1e-12);
    }

    @Test
    void everyAggregationOfTheRunningExample() {
        // grpo: (−3.12/3 + 1.94/2) / 2 = (−1.04 + 0.97) / 2 = −0.035; dr_grpo: −1.18 / (2 · 4) = −0.1475
        assertEquals(-0.035, value(ngrpo(0, LossAggregation.GRPO).loss(example(DataType.FLOAT64, null, 4))), 1e-12);
        assertEquals(-0.236, value(ngrpo(0, LossAggregation.BNPO).loss(example(DataType.FLOAT64, null, 4))), 1e-12);
        assertEquals(-0.1475, value(ngrpo(0, LossAggregation.DR_GRPO).loss(example(DataType.FLOAT64, null, 4))), 1e-12);
    }

    @Test
    void metricsAndClippedTokensOfTheRunningExample() {
        // only ρ = 0.5 with A < 0 is cut (0.5 < 0.84); 1.22 with A > 0 is inside 1.24: clip_frac 1/5, all of it negative;
        // ratios 1.0 + 1.22 + 0.9 + 0.5 + 1.1 = 4.72, mean 0.944, max 1.22
        PolicyLossOutput out = ngrpo(0.04, LossAggregation.GRPO).loss(example(DataType.FLOAT64, null, 4));
        Map<String, Double> m = out.metrics();
        assertEquals(0.2, m.get("clip_frac"), 1e-12);
        assertEquals(0.0, m.get("clip_frac_pos"), 1e-12);
        assertEquals(0.2, m.get("clip_frac_neg"), 1e-12);
        assertEquals(0.944, m.get("ratio_mean"), 1e-12);
        assertEquals(1.22, m.get("ratio_max"), 1e-12);
        assertEquals(0.0, m.get("kl"), 0.0);
        assertNotNull(out.tokenClipped());
        assertEquals(new Shape(2, 3), out.tokenClipped().getShape());
        assertArrayEquals(new double[]{0, 0, 0, 1, 0, 0},
                out.tokenClipped().toType(DataType.FLOAT64, false).toDoubleArray(), 0.0);
    }

    @Test
    void aRatioAboveTheWiderCapIsCutForPositiveAdvantages() {
        // ρ = 1.5 with A = +1 (capped at 1.24) and ρ = 1.5 with A = −1 (not capped: the floor is below);
        // ρ = 0.82 with A = +1 (not capped) and ρ = 0.82 with A = −1 (floored at 0.84)
        // ℓ = −1.24, 1.5, −0.82, 0.84; dapo over 4: 0.28 / 4 = 0.07; cut tokens 1 and 4
        NDArray old = manager.zeros(new Shape(2, 2), DataType.FLOAT64);
        NDArray logProbs = manager.create(new double[][]{{Math.log(1.5), Math.log(1.5)}, {Math.log(0.82), Math.log(0.82)}});
        NDArray adv = manager.create(new double[][]{{1, -1}, {1, -1}});
        NDArray mask = manager.ones(new Shape(2, 2), DataType.FLOAT64);
        logProbs.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PolicyLossOutput out = ngrpo(0, LossAggregation.DAPO).loss(new PolicyLossInput(logProbs, old, null, adv, mask, 2, 2, 4, 2));
            assertEquals(0.07, value(out), 1e-12);
            assertEquals(0.5, out.metrics().get("clip_frac"), 1e-12);
            assertEquals(0.25, out.metrics().get("clip_frac_pos"), 1e-12);
            assertEquals(0.25, out.metrics().get("clip_frac_neg"), 1e-12);
            gc.backward(out.loss());
            // unclipped tokens: d(−ρA/4)/dlogπ = −ρA/4 → (1.5, −1): +0.375, (0.82, +1): −0.205; clipped ones: 0
            assertArrayEquals(new double[]{0, 0.375, -0.205, 0}, logProbs.getGradient().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void zeroAdvantageTokensContributeNothing() {
        NDArray old = manager.zeros(new Shape(1, 3), DataType.FLOAT64);
        NDArray logProbs = manager.create(new double[][]{{0.3, -0.4, 0.1}});
        NDArray adv = manager.zeros(new Shape(1, 3), DataType.FLOAT64);
        NDArray mask = manager.ones(new Shape(1, 3), DataType.FLOAT64);
        logProbs.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PolicyLossOutput out = ngrpo(0, LossAggregation.GRPO).loss(new PolicyLossInput(logProbs, old, null, adv, mask, 1, 3, 3, 1));
            assertEquals(0.0, value(out), 0.0);
            assertEquals(0.0, out.metrics().get("clip_frac"), 0.0);
            gc.backward(out.loss());
            assertArrayEquals(new double[]{0, 0, 0}, logProbs.getGradient().toDoubleArray(), 0.0);
        }
    }

    @Test
    void klTermIsTheK3EstimatorWeightedByBeta() {
        // running example, reference one step away on one token: d = ln 2 at (0, 0), KL = 1 − ln 2;
        // dapo with β = 0.1: (−1.18 + 0.1 · (1 − ln 2)) / 5
        double[][] ref = {{NEW[0][0] + LN2, NEW[0][1], NEW[0][2]}, {NEW[1][0], NEW[1][1], 99}};
        PolicyLossOutput out = ngrpo(0.1, LossAggregation.DAPO).loss(example(DataType.FLOAT64, ref, 4));
        assertEquals((-1.18 + 0.1 * (1 - LN2)) / 5, value(out), 1e-12);
        assertEquals((1 - LN2) / 5, out.metrics().get("kl"), 1e-12);
        // β = 0 ignores a given reference
        assertEquals(-0.236, value(ngrpo(0, LossAggregation.DAPO).loss(example(DataType.FLOAT64, ref, 4))), 1e-12);
    }

    /**
     * For A > 0 only the upper bound of PPO's clip can bind and for A < 0 only the lower, so the per-sign form is the
     * clip-higher surrogate with (ε_low, ε_high) = (ε_neg, ε_pos): the authors' code computes it that way.
     */
    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void equalsTheClipHigherSurrogateWithEpsNegBelowAndEpsPosAbove(LossAggregation aggregation) {
        double[][] ref = {{-1.0, -0.5, -1.2}, {-0.7, -0.6, 0}};
        double ngrpo = value(ngrpo(0.05, aggregation).loss(example(DataType.FLOAT64, ref, 4)));
        double clipHigher = value(new ClippedTokenLoss(0.16, 0.24, 0.05, aggregation).loss(example(DataType.FLOAT64, ref, 4)));
        assertEquals(clipHigher, ngrpo, 1e-12);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = ngrpo(0, LossAggregation.DAPO).loss(example(DataType.FLOAT32, null, 4));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(-0.236, value(out), 1e-6);
        assertEquals(0.2, out.metrics().get("clip_frac"), 1e-6);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        double[][] ref = {{-1.0, -0.5, -1.2}, {-0.7, -0.6, 0}};
        for (LossAggregation a : LossAggregation.values()) {
            AsymmetricClipLoss loss = ngrpo(0.1, a);
            double whole = value(loss.loss(example(DataType.FLOAT64, ref, 4)));
            double parts = 0;
            for (int row = 0; row < 2; row++) {
                parts += value(loss.loss(new PolicyLossInput(arr(new double[][]{NEW[row]}, DataType.FLOAT64),
                        arr(new double[][]{OLD[row]}, DataType.FLOAT64), arr(new double[][]{ref[row]}, DataType.FLOAT64),
                        arr(new double[][]{ADV[row]}, DataType.FLOAT64), arr(new double[][]{MASK[row]}, DataType.FLOAT64),
                        2, 4, 5, 2)));
            }
            assertEquals(whole, parts, 1e-12, a.name());
        }
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLossAndNeutralMetrics() {
        for (LossAggregation a : LossAggregation.values()) {
            PolicyLossOutput out = ngrpo(0.1, a).loss(new PolicyLossInput(
                    arr(new double[][]{{-1, -2}}, DataType.FLOAT64), arr(new double[][]{{NEG_INF, NEG_INF}}, DataType.FLOAT64),
                    arr(new double[][]{{3, 3}}, DataType.FLOAT64), arr(new double[][]{{1, -1}}, DataType.FLOAT64),
                    arr(new double[][]{{0, 0}}, DataType.FLOAT64), 2, 4, 0, 0));
            assertEquals(0.0, value(out), 0.0, a.name());
            assertEquals(Map.of("kl", 0.0, "clip_frac", 0.0, "clip_frac_pos", 0.0, "clip_frac_neg", 0.0,
                    "ratio_mean", 1.0, "ratio_max", 1.0), out.metrics());
        }
    }

    @Test
    void inputsStayOpen() {
        PolicyLossInput in = example(DataType.FLOAT32, null, 4);
        ngrpo(0, LossAggregation.GRPO).loss(in);
        for (NDArray x : new NDArray[]{in.logProbs(), in.oldLogProbs(), in.advantages(), in.mask()}) {
            assertTrue(!x.isReleased());
            assertEquals(6, x.toFloatArray().length);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new AsymmetricClipLoss(-0.1, 0.16, 0, LossAggregation.GRPO));
        assertThrows(IllegalArgumentException.class, () -> new AsymmetricClipLoss(0.24, Double.NaN, 0, LossAggregation.GRPO));
        assertThrows(IllegalArgumentException.class, () -> new AsymmetricClipLoss(0.24, 1.5, 0, LossAggregation.GRPO));
        assertThrows(IllegalArgumentException.class, () -> new AsymmetricClipLoss(0.24, 0.16, -1, LossAggregation.GRPO));
        assertThrows(NullPointerException.class, () -> new AsymmetricClipLoss(0.24, 0.16, 0, null));
    }

    /**
     * Autograd against central differences in float64, with β > 0, both signs of A, a zero advantage and padding.
     * Log-ratios are at least 0.07 away from the kinks ln 1.24 = 0.215 and ln 0.84 = −0.174.
     */
    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void gradientMatchesFiniteDifferences(LossAggregation aggregation) {
        int rows = 4;
        int cols = 4;
        double[] logRatio = {-0.5, -0.1, 0.05, 0.1, 0.4};   // ρ = 0.61, 0.90, 1.05, 1.11, 1.49
        double[] refStep = {-0.3, 0.2, 0.5, -0.05};
        double[] rowAdvantage = {1.2, -0.7, 0.4, 0.0};
        int[] lengths = {4, 2, 3, 4};
        double[] logp = new double[rows * cols];
        double[] old = new double[rows * cols];
        double[] ref = new double[rows * cols];
        double[] adv = new double[rows * cols];
        double[] mask = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < cols; t++) {
                int k = i * cols + t;
                logp[k] = -0.5 - 0.3 * t - 0.2 * i;
                old[k] = logp[k] - logRatio[(k * 3) % logRatio.length];
                ref[k] = logp[k] + refStep[(k * 7) % refStep.length];
                adv[k] = rowAdvantage[i];
                mask[k] = t < lengths[i] ? 1 : 0;
            }
        }
        AsymmetricClipLoss loss = ngrpo(0.1, aggregation);
        Shape shape = new Shape(rows, cols);

        NDArray x = manager.create(logp, shape);
        x.setRequiresGradient(true);
        double[] autograd;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.loss(input(x, old, ref, adv, mask, shape)).loss();
            gc.backward(l);
            autograd = x.getGradient().toDoubleArray();
        }

        double h = 1e-6;
        for (int k = 0; k < logp.length; k++) {
            double[] plus = logp.clone();
            double[] minus = logp.clone();
            plus[k] += h;
            minus[k] -= h;
            double fPlus = value(loss.loss(input(manager.create(plus, shape), old, ref, adv, mask, shape)));
            double fMinus = value(loss.loss(input(manager.create(minus, shape), old, ref, adv, mask, shape)));
            double numeric = (fPlus - fMinus) / (2 * h);
            assertEquals(numeric, autograd[k], 1e-8, aggregation + " d/dlogπ at " + k);
            if (mask[k] == 0) {
                assertEquals(0.0, autograd[k], 0.0, "padding gets no gradient");
            }
        }
    }

    private PolicyLossInput input(NDArray logp, double[] old, double[] ref, double[] adv, double[] mask, Shape shape) {
        long tokens = 0;
        for (double m : mask) {
            tokens += (long) m;
        }
        return new PolicyLossInput(logp, manager.create(old, shape), manager.create(ref, shape), manager.create(adv, shape),
                manager.create(mask, shape), 4, 5, tokens, shape.get(0));
    }
}
