package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    private static final double[][] OLD = {{Math.log(0.4), Math.log(0.4), Math.log(0.5)}, {Math.log(0.8), Math.log(0.5), NEG_INF}};
    private static final double[][] NEW = {{Math.log(0.4), Math.log(0.6), Math.log(0.45)}, {Math.log(0.4), Math.log(0.55), 0}};
    private static final double[][] ADV = {{1, 1, 1}, {-1, -1, -1}};
    private static final double[][] MASK = {{1, 1, 1}, {1, 1, 0}};

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
    void grpoAggregationAveragesEachSequenceThenSequences() {
        // (−3.1/3 + 1.9/2) / 2 = (−31/30 + 19/20) / 2 = (−1/12) / 2 = −1/24
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.GRPO).loss(example(DataType.FLOAT64, null, 4));
        assertEquals(-1.0 / 24, value(out), 1e-12);
    }

    @Test
    void bnpoAndDapoAggregationDivideByTheBatchTokens() {
        // −1.2 / 5 active tokens = −0.24
        for (LossAggregation a : new LossAggregation[]{LossAggregation.BNPO, LossAggregation.DAPO}) {
            PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, a).loss(example(DataType.FLOAT64, null, 4));
            assertEquals(-0.24, value(out), 1e-12, a.name());
        }
    }

    @Test
    void drGrpoAggregationDividesBySequencesTimesBudget() {
        // −1.2 / (2 sequences · L_max 4) = −0.15
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DR_GRPO).loss(example(DataType.FLOAT64, null, 4));
        assertEquals(-0.15, value(out), 1e-12);
        PolicyLossInput noBudget = example(DataType.FLOAT64, null, 0);
        assertThrows(IllegalArgumentException.class,
                () -> new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DR_GRPO).loss(noBudget));
    }

    @Test
    void metricsOfTheRunningExample() {
        // one token clipped high (ρ 1.5, A > 0) and one clipped low (ρ 0.5, A < 0) of 5: clip_frac 0.4;
        // ratios 1.0 + 1.5 + 0.9 + 0.5 + 1.1 = 5.0, mean 1.0, max 1.5; no reference: kl 0
        Map<String, Double> m = new ClippedTokenLoss(0.2, 0.2, 0.04, LossAggregation.GRPO)
                .loss(example(DataType.FLOAT64, null, 4)).metrics();
        assertEquals(0.4, m.get("clip_frac"), 1e-12);
        assertEquals(1.0, m.get("ratio_mean"), 1e-12);
        assertEquals(1.5, m.get("ratio_max"), 1e-12);
        assertEquals(0.0, m.get("kl"), 0.0);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DAPO).loss(example(DataType.FLOAT32, null, 4));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(-0.24, value(out), 1e-6);
        assertEquals(0.4, out.metrics().get("clip_frac"), 1e-6);
    }

    @Test
    void clipHigherWidensOnlyTheUpperSide() {
        // ε_high = 0.6: ρ = 1.5 is inside [0.8, 1.6], surrogate 1.5; Σ ℓ = −(1.0 + 1.5 + 0.9) + 1.9 = −1.5, / 5 = −0.3;
        // only the low clip (ρ 0.5, A < 0) remains: clip_frac 1/5
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.6, 0, LossAggregation.DAPO).loss(example(DataType.FLOAT64, null, 4));
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
        NDArray old = manager.zeros(new Shape(2, 2), DataType.FLOAT64);
        NDArray logProbs = manager.create(new double[][]{{Math.log(0.5), Math.log(1.5)}, {Math.log(0.5), Math.log(1.5)}});
        NDArray adv = manager.create(new double[][]{{1, 1}, {-1, -1}});
        NDArray mask = manager.ones(new Shape(2, 2), DataType.FLOAT64);
        logProbs.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0, LossAggregation.DAPO)
                    .loss(new PolicyLossInput(logProbs, old, null, adv, mask, 2, 2, 4, 2));
            assertEquals(0.15, value(out), 1e-12);
            assertEquals(0.5, out.metrics().get("clip_frac"), 1e-12);
            gc.backward(out.loss());
            assertArrayEquals(new double[]{-0.125, 0, 0, 0.375}, logProbs.getGradient().toDoubleArray(), 1e-12);
        }
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
        PolicyLossInput in = new PolicyLossInput(arr(logp, DataType.FLOAT64), arr(logp, DataType.FLOAT64),
                arr(ref, DataType.FLOAT64), arr(zero, DataType.FLOAT64), arr(MASK, DataType.FLOAT64), 2, 3, 5, 2);

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
        PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0.1, LossAggregation.DAPO).loss(example(DataType.FLOAT64, ref, 4));
        assertEquals((-1.2 + 0.1 * (1 - LN2)) / 5, value(out), 1e-12);
        assertEquals((1 - LN2) / 5, out.metrics().get("kl"), 1e-12);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        double[][] ref = {{-1.0, -0.5, -1.2}, {-0.7, -0.6, 0}};
        for (LossAggregation a : LossAggregation.values()) {
            ClippedTokenLoss loss = new ClippedTokenLoss(0.2, 0.28, 0.1, a);
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
    void fullyMaskedRowsContributeNothingAndNeverNaN() {
        // a third row that is all padding (a dropped rollout) leaves every aggregation unchanged
        double[][] old = {OLD[0], OLD[1], {NEG_INF, NEG_INF, NEG_INF}};
        double[][] logp = {NEW[0], NEW[1], {0, 0, 0}};
        double[][] adv = {ADV[0], ADV[1], {3, 3, 3}};
        double[][] mask = {MASK[0], MASK[1], {0, 0, 0}};
        double[][] ref = {NEW[0], NEW[1], {5, 5, 5}};
        double[][] refTwoRows = {NEW[0], NEW[1]};
        for (LossAggregation a : LossAggregation.values()) {
            ClippedTokenLoss loss = new ClippedTokenLoss(0.2, 0.2, 0.1, a);
            double withoutRow = value(loss.loss(example(DataType.FLOAT64, refTwoRows, 4)));
            PolicyLossOutput withRow = loss.loss(new PolicyLossInput(arr(logp, DataType.FLOAT64), arr(old, DataType.FLOAT64),
                    arr(ref, DataType.FLOAT64), arr(adv, DataType.FLOAT64), arr(mask, DataType.FLOAT64), 3, 4, 5, 2));
            assertEquals(withoutRow, value(withRow), 1e-12, a.name());
            assertEquals(0.4, withRow.metrics().get("clip_frac"), 1e-12);
        }
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLossAndNeutralMetrics() {
        double[][] zeros = {{0, 0}};
        for (LossAggregation a : LossAggregation.values()) {
            PolicyLossOutput out = new ClippedTokenLoss(0.2, 0.2, 0.1, a).loss(new PolicyLossInput(
                    arr(new double[][]{{-1, -2}}, DataType.FLOAT64), arr(new double[][]{{NEG_INF, NEG_INF}}, DataType.FLOAT64),
                    arr(new double[][]{{3, 3}}, DataType.FLOAT64), arr(new double[][]{{1, 1}}, DataType.FLOAT64),
                    arr(zeros, DataType.FLOAT64), 2, 4, 0, 0));
            assertEquals(0.0, value(out), 0.0, a.name());
            assertEquals(Map.of("kl", 0.0, "clip_frac", 0.0, "ratio_mean", 1.0, "ratio_max", 1.0), out.metrics());
        }
    }

    @Test
    void inputsStayOpen() {
        PolicyLossInput in = example(DataType.FLOAT32, null, 4);
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
     * values at least 0.05 away from the kinks at ρ = 1 − ε_low and 1 + ε_high, where the loss is not differentiable.
     */
    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void gradientMatchesFiniteDifferences(LossAggregation aggregation) {
        int rows = 3;
        int cols = 4;
        double[] logRatio = {-0.5, -0.1, 0.05, 0.1, 0.4};   // ρ = 0.61, 0.90, 1.05, 1.11, 1.49
        double[] refStep = {-0.3, 0.2, 0.5, -0.05};
        double[] rowAdvantage = {1.2, -0.7, 0.4};
        int[] lengths = {4, 2, 3};
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
        ClippedTokenLoss loss = new ClippedTokenLoss(0.2, 0.28, 0.1, aggregation);
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
                manager.create(mask, shape), 3, 5, tokens, shape.get(0));
    }
}
