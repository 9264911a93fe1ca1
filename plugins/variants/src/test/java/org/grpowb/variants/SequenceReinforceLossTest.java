package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sequence-level REINFORCE (OPMD, AsymRE) on a hand-built group, then its gradient against finite differences.
 *
 * <p>The running example: rewards 1, 0, 0, so OPMD's A = r − mean(r) = 2/3, −1/3, −1/3; N = 3.
 * <pre>
 *   seq 0: log π_θ = ln ½, ln ½   → log π_θ(y) = −2 ln 2;  log π_old = ln ½, ln ¼ → Δ = −2 ln 2 + 3 ln 2 = ln 2
 *   seq 1: log π_θ = ln ¼, pad    → log π_θ(y) = −2 ln 2;  log π_old = ln ½       → Δ = −ln 2
 *   seq 2: log π_θ = ln 0.8, ln ½ → log π_θ(y) = ln 0.4;   log π_old the same     → Δ = 0
 *   REINFORCE: −(1/3) [ (2/3)(−2 ln 2) + (−1/3)(−2 ln 2) + (−1/3) ln 0.4 ] = (2 ln 2 + ln 0.4) / 9 = ln 1.6 / 9 = 0.052223
 *   regulariser, τ = 1: (τ / 2N) Σ Δ² = (ln² 2 + ln² 2) / 6 = ln² 2 / 3 = 0.160151
 *   L = 0.212374
 * </pre>
 */
class SequenceReinforceLossTest {

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;
    private static final double LN2 = Math.log(2);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static final double[][] NEW = {{Math.log(0.5), Math.log(0.5)}, {Math.log(0.25), 0}, {Math.log(0.8), Math.log(0.5)}};
    private static final double[][] OLD = {{Math.log(0.5), Math.log(0.25)}, {Math.log(0.5), NEG_INF}, {Math.log(0.8), Math.log(0.5)}};
    private static final double[][] OPMD_ADV = {{2.0 / 3, 2.0 / 3}, {-1.0 / 3, 0}, {-1.0 / 3, -1.0 / 3}};
    /** AsymRE with τ = −0.1: A = r − mean(r) + 0.1 = 23/30, −7/30, −7/30. */
    private static final double[][] ASYMRE_ADV = {{23.0 / 30, 23.0 / 30}, {-7.0 / 30, 0}, {-7.0 / 30, -7.0 / 30}};
    private static final double[][] MASK = {{1, 1}, {1, 0}, {1, 1}};

    private NDArray arr(double[][] x, DataType type) {
        NDArray a = manager.create(x);
        return type == DataType.FLOAT64 ? a : a.toType(type, false);
    }

    private PolicyLossInput example(DataType type, double[][] adv) {
        return new PolicyLossInput(arr(NEW, type), arr(OLD, type), null, arr(adv, type), arr(MASK, type), 3, 2, 5, 3);
    }

    private static double value(PolicyLossOutput out) {
        assertEquals(new Shape(), out.loss().getShape());
        return out.loss().toType(DataType.FLOAT64, false).getDouble();
    }

    @Test
    void opmdIsReinforcePlusTheSquaredLogRatio() {
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(example(DataType.FLOAT64, OPMD_ADV));
        assertEquals(Math.log(1.6) / 9 + LN2 * LN2 / 3, value(out), 1e-12);
        assertEquals(0.212374, value(out), 1e-6);
        // mean log π_θ(y) = (−2 ln 2 − 2 ln 2 + ln 0.4) / 3 = −1.229627; mean Δ² = 2 ln² 2 / 3 = 0.320302
        assertEquals((-4 * LN2 + Math.log(0.4)) / 3, out.metrics().get("seq_log_prob"), 1e-12);
        assertEquals(-1.229627, out.metrics().get("seq_log_prob"), 1e-6);
        assertEquals(2 * LN2 * LN2 / 3, out.metrics().get("seq_log_ratio_sq"), 1e-12);
        // τ = 0: REINFORCE only
        assertEquals(Math.log(1.6) / 9, value(new SequenceReinforceLoss(0).loss(example(DataType.FLOAT64, OPMD_ADV))), 1e-12);
    }

    @Test
    void asymreIsReinforceWithTheShiftedAdvantage() {
        // −(1/3) [ (23/30)(−2 ln 2) + (−7/30)(−2 ln 2) + (−7/30) ln 0.4 ] = (1/3) [ (16/15) ln 2 + (7/30) ln 0.4 ] = 0.175185
        PolicyLossOutput out = new SequenceReinforceLoss(0).loss(example(DataType.FLOAT64, ASYMRE_ADV));
        assertEquals((16.0 / 15 * LN2 + 7.0 / 30 * Math.log(0.4)) / 3, value(out), 1e-12);
        assertEquals(0.175185, value(out), 1e-6);
    }

    @Test
    void theGradientIsMinusTheAdvantagePlusTauTimesTheLogRatio() {
        // d/dlog π_θ(y_{i,t}) = (−A_i + τ Δ_i) / N on every token of sequence i:
        //   seq 0: (−2/3 + ln 2) / 3 = 0.008827; seq 1: (1/3 − ln 2) / 3 = −0.119938, padding 0; seq 2: (1/3) / 3
        NDArray logProbs = arr(NEW, DataType.FLOAT64);
        logProbs.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(new PolicyLossInput(logProbs,
                    arr(OLD, DataType.FLOAT64), null, arr(OPMD_ADV, DataType.FLOAT64), arr(MASK, DataType.FLOAT64), 3, 2, 5, 3));
            gc.backward(out.loss());
            double g0 = (-2.0 / 3 + LN2) / 3;
            double g1 = (1.0 / 3 - LN2) / 3;
            assertArrayEquals(new double[]{g0, g0, g1, 0, 1.0 / 9, 1.0 / 9}, logProbs.getGradient().toDoubleArray(), 1e-12);
            assertEquals(0.008827, g0, 1e-6);
            assertEquals(-0.119938, g1, 1e-6);
        }
    }

    @Test
    void theRolloutAdvantageIsReadOverMaskedTokensOnly() {
        // junk on padding does not change A_i
        double[][] junk = {OPMD_ADV[0], {-1.0 / 3, 42}, OPMD_ADV[2]};
        assertEquals(value(new SequenceReinforceLoss(1.0).loss(example(DataType.FLOAT64, OPMD_ADV))),
                value(new SequenceReinforceLoss(1.0).loss(example(DataType.FLOAT64, junk))), 1e-12);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(example(DataType.FLOAT32, OPMD_ADV));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(0.212374, value(out), 1e-6);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        SequenceReinforceLoss loss = new SequenceReinforceLoss(0.5);
        double whole = value(loss.loss(example(DataType.FLOAT64, OPMD_ADV)));
        double parts = 0;
        for (int row = 0; row < 3; row++) {
            parts += value(loss.loss(new PolicyLossInput(arr(new double[][]{NEW[row]}, DataType.FLOAT64),
                    arr(new double[][]{OLD[row]}, DataType.FLOAT64), null, arr(new double[][]{OPMD_ADV[row]}, DataType.FLOAT64),
                    arr(new double[][]{MASK[row]}, DataType.FLOAT64), 3, 2, 5, 3)));
        }
        assertEquals(whole, parts, 1e-12);
    }

    @Test
    void fullyMaskedRowsContributeNothingAndNeverNaN() {
        double[][] logp = {NEW[0], NEW[1], NEW[2], {0, 0}};
        double[][] old = {OLD[0], OLD[1], OLD[2], {NEG_INF, NEG_INF}};
        double[][] adv = {OPMD_ADV[0], OPMD_ADV[1], OPMD_ADV[2], {5, 5}};
        double[][] mask = {MASK[0], MASK[1], MASK[2], {0, 0}};
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(new PolicyLossInput(arr(logp, DataType.FLOAT64),
                arr(old, DataType.FLOAT64), null, arr(adv, DataType.FLOAT64), arr(mask, DataType.FLOAT64), 3, 2, 5, 3));
        assertEquals(0.212374, value(out), 1e-6);
        assertEquals(2 * LN2 * LN2 / 3, out.metrics().get("seq_log_ratio_sq"), 1e-12);
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLossAndZeroMetrics() {
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(new PolicyLossInput(
                arr(new double[][]{{-1, -2}}, DataType.FLOAT64), arr(new double[][]{{NEG_INF, NEG_INF}}, DataType.FLOAT64),
                null, arr(new double[][]{{1, 1}}, DataType.FLOAT64), arr(new double[][]{{0, 0}}, DataType.FLOAT64),
                2, 4, 0, 0));
        assertEquals(0.0, value(out), 0.0);
        assertEquals(Map.of("seq_log_prob", 0.0, "seq_log_ratio_sq", 0.0), out.metrics());
    }

    @Test
    void tauIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SequenceReinforceLoss(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new SequenceReinforceLoss(Double.POSITIVE_INFINITY));
    }

    /** Autograd against central differences in float64 with padding; the loss is smooth, so any values do. */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 2.0})
    void gradientMatchesFiniteDifferences(double tau) {
        int rows = 3;
        int cols = 4;
        double[] rowAdvantage = {0.8, -0.3, -0.5};
        int[] lengths = {4, 1, 3};
        double[] logp = new double[rows * cols];
        double[] old = new double[rows * cols];
        double[] adv = new double[rows * cols];
        double[] mask = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < cols; t++) {
                int k = i * cols + t;
                boolean real = t < lengths[i];
                logp[k] = real ? -0.4 - 0.3 * t - 0.2 * i : 0;
                old[k] = real ? logp[k] + 0.1 * ((k * 5) % 7 - 3) : NEG_INF;
                adv[k] = real ? rowAdvantage[i] : 0;
                mask[k] = real ? 1 : 0;
            }
        }
        Shape shape = new Shape(rows, cols);
        FiniteDifferences.check(manager, new SequenceReinforceLoss(tau), logp, shape, mask,
                x -> new PolicyLossInput(x, manager.create(old, shape), null, manager.create(adv, shape),
                        manager.create(mask, shape), 3, 5, FiniteDifferences.tokens(mask), rows), 1e-8);
    }
}
