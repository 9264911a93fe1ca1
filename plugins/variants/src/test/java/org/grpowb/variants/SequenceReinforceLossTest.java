package org.grpowb.variants;

import static org.grpowb.variants.PolicyLossFixture.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.DataType;
import java.util.Map;
import org.grpowb.api.PolicyLossOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    final PolicyLossFixture fixture = new PolicyLossFixture();

    private static final double[][] NEW = {{Math.log(0.5), Math.log(0.5)}, {Math.log(0.25), 0}, {Math.log(0.8), Math.log(0.5)}};
    private static final double[][] OLD = {{Math.log(0.5), Math.log(0.25)}, {Math.log(0.5), NEG_INF}, {Math.log(0.8), Math.log(0.5)}};
    private static final double[][] OPMD_ADV = {{2.0 / 3, 2.0 / 3}, {-1.0 / 3, 0}, {-1.0 / 3, -1.0 / 3}};
    /** AsymRE with τ = −0.1: A = r − mean(r) + 0.1 = 23/30, −7/30, −7/30. */
    private static final double[][] ASYMRE_ADV = {{23.0 / 30, 23.0 / 30}, {-7.0 / 30, 0}, {-7.0 / 30, -7.0 / 30}};
    private static final double[][] MASK = {{1, 1}, {1, 0}, {1, 1}};
    /** OPMD's advantages; G = 3, L_max = 2, 5 tokens and N = 3 sequences in the whole step. */
    private static final MicroBatch EXAMPLE = MicroBatch.of(NEW, OLD, OPMD_ADV, MASK, 3, 2, 5, 3);

    @Test
    void opmdIsReinforcePlusTheSquaredLogRatio() {
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(fixture.input(EXAMPLE));
        assertEquals(Math.log(1.6) / 9 + LN2 * LN2 / 3, value(out), 1e-12);
        assertEquals(0.212374, value(out), 1e-6);
        // mean log π_θ(y) = (−2 ln 2 − 2 ln 2 + ln 0.4) / 3 = −1.229627; mean Δ² = 2 ln² 2 / 3 = 0.320302
        assertEquals((-4 * LN2 + Math.log(0.4)) / 3, out.metrics().get("seq_log_prob"), 1e-12);
        assertEquals(-1.229627, out.metrics().get("seq_log_prob"), 1e-6);
        assertEquals(2 * LN2 * LN2 / 3, out.metrics().get("seq_log_ratio_sq"), 1e-12);
        // τ = 0: REINFORCE only
        assertEquals(Math.log(1.6) / 9, value(new SequenceReinforceLoss(0).loss(fixture.input(EXAMPLE))), 1e-12);
    }

    @Test
    void asymreIsReinforceWithTheShiftedAdvantage() {
        // −(1/3) [ (23/30)(−2 ln 2) + (−7/30)(−2 ln 2) + (−7/30) ln 0.4 ] = (1/3) [ (16/15) ln 2 + (7/30) ln 0.4 ] = 0.175185
        PolicyLossOutput out = new SequenceReinforceLoss(0).loss(fixture.input(EXAMPLE.withAdvantages(ASYMRE_ADV)));
        assertEquals((16.0 / 15 * LN2 + 7.0 / 30 * Math.log(0.4)) / 3, value(out), 1e-12);
        assertEquals(0.175185, value(out), 1e-6);
    }

    @Test
    void theGradientIsMinusTheAdvantagePlusTauTimesTheLogRatio() {
        // d/dlog π_θ(y_{i,t}) = (−A_i + τ Δ_i) / N on every token of sequence i:
        //   seq 0: (−2/3 + ln 2) / 3 = 0.008827; seq 1: (1/3 − ln 2) / 3 = −0.119938, padding 0; seq 2: (1/3) / 3
        double[] gradient = fixture.autograd(new SequenceReinforceLoss(1.0), EXAMPLE).gradient();
        double g0 = (-2.0 / 3 + LN2) / 3;
        double g1 = (1.0 / 3 - LN2) / 3;
        assertArrayEquals(new double[]{g0, g0, g1, 0, 1.0 / 9, 1.0 / 9}, gradient, 1e-12);
        assertEquals(0.008827, g0, 1e-6);
        assertEquals(-0.119938, g1, 1e-6);
    }

    /**
     * Per-token advantages weigh their own tokens' log-probs: A = (1, 0), (−1/3, pad), (0.5, −1), τ = 1, N = 3.
     * <pre>
     *   REINFORCE: −(1/3) [ 1 · ln ½ + 0 · ln ½ + (−1/3) ln ¼ + 0.5 ln 0.8 + (−1) ln ½ ]
     *            = −(1/3) [ (2/3) ln 2 + 0.5 ln 0.8 ] = −0.116842;  regulariser as before ln² 2 / 3 = 0.160151
     *   ∂L/∂log π_{i,t} = (−A_{i,t} + τ Δ_i) / N:
     *     seq 0 (Δ = ln 2): (−1 + ln 2)/3 = −0.102284, ln 2 / 3 = 0.231049
     *     seq 1 (Δ = −ln 2): (1/3 − ln 2)/3 = −0.119938, padding 0;  seq 2 (Δ = 0): −0.5/3, 1/3
     * </pre>
     * With the row mean (0.5 on both tokens of seq 0) the two tokens of seq 0 would get the same gradient.
     */
    @Test
    void perTokenAdvantagesWeighTheirOwnTokens() {
        double[][] adv = {{1, 0}, {-1.0 / 3, 0}, {0.5, -1}};
        PolicyLossFixture.Autograd autograd = fixture.autograd(new SequenceReinforceLoss(1.0), EXAMPLE.withAdvantages(adv));
        double reinforce = -(2.0 / 3 * LN2 + 0.5 * Math.log(0.8)) / 3;
        assertEquals(-0.116842, reinforce, 1e-6);
        assertEquals(reinforce + LN2 * LN2 / 3, value(autograd.output()), 1e-12);
        assertArrayEquals(new double[]{(-1 + LN2) / 3, LN2 / 3, (1.0 / 3 - LN2) / 3, 0, -0.5 / 3, 1.0 / 3},
                autograd.gradient(), 1e-12);
        assertEquals(-0.102284, autograd.gradient()[0], 1e-6);
        assertEquals(0.231049, autograd.gradient()[1], 1e-6);
    }

    @Test
    void junkAdvantagesOnPaddingChangeNothing() {
        double[][] junk = {OPMD_ADV[0], {-1.0 / 3, Double.NaN}, OPMD_ADV[2]};
        assertEquals(value(new SequenceReinforceLoss(1.0).loss(fixture.input(EXAMPLE))),
                value(new SequenceReinforceLoss(1.0).loss(fixture.input(EXAMPLE.withAdvantages(junk)))), 1e-12);
    }

    @Test
    void float32InputsGiveTheSameNumbers() {
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(fixture.input(EXAMPLE, DataType.FLOAT32));
        assertEquals(DataType.FLOAT32, out.loss().getDataType());
        assertEquals(0.212374, value(out), 1e-6);
    }

    @Test
    void microBatchLossesSumToTheBatchLoss() {
        SequenceReinforceLoss loss = new SequenceReinforceLoss(0.5);
        double whole = value(loss.loss(fixture.input(EXAMPLE)));
        assertEquals(whole, fixture.sumOfRowLosses(loss, EXAMPLE), 1e-12);
    }

    @Test
    void fullyMaskedRowsContributeNothingAndNeverNaN() {
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(fixture.input(EXAMPLE.plusDroppedRollout(0, 5)));
        assertEquals(0.212374, value(out), 1e-6);
        assertEquals(2 * LN2 * LN2 / 3, out.metrics().get("seq_log_ratio_sq"), 1e-12);
    }

    @Test
    void aMicroBatchWithoutTokensGivesZeroLossAndZeroMetrics() {
        PolicyLossOutput out = new SequenceReinforceLoss(1.0).loss(fixture.input(MicroBatch.withoutTokens()));
        assertEquals(0.0, value(out), 0.0);
        assertEquals(Map.of("seq_log_prob", 0.0, "seq_log_ratio_sq", 0.0), out.metrics());
    }

    @Test
    void tauIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SequenceReinforceLoss(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new SequenceReinforceLoss(Double.POSITIVE_INFINITY));
    }

    /**
     * Autograd against central differences in float64 with padding and per-token advantages; the loss is smooth, so
     * any values do: here Δ = ±0.3, ±0.2 or 0 per token.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 2.0})
    void gradientMatchesFiniteDifferences(double tau) {
        MicroBatch batch = MicroBatch.completions(4, 1, 3).paddedTo(4)
                .logProbsFrom(-0.4)
                .logRatios(new double[][]{{0.3, -0.2, 0, 0.2}, {-0.3, 0, 0, 0}, {-0.2, 0, 0.2, 0}})
                .advantages(0.8, -0.3, -0.5)
                .groupSize(3).maxCompletionLength(5)
                .build()
                .withAdvantages(new double[][]{{0.8, 1.1, 0.5, 0.9}, {-0.3, 0, 0, 0}, {-0.5, -0.2, -0.9, 0}});
        FiniteDifferences.check(fixture, new SequenceReinforceLoss(tau), batch, 1e-8);
    }
}
