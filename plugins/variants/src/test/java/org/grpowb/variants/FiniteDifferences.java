package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.DataType;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;

/**
 * Checks a policy loss's autograd gradient with respect to log π_θ against central differences in float64; callers
 * build the batch with {@link MicroBatch#completions} and pick log-ratios away from the loss's kinks (clip edges,
 * gates), where it is not differentiable.
 */
final class FiniteDifferences {

    private static final double STEP = 1e-6;

    private FiniteDifferences() {
    }

    /**
     * Asserts that every entry of the autograd gradient matches (L(x + h) − L(x − h)) / 2h within {@code tolerance},
     * and that padding gets exactly no gradient.
     *
     * @return the autograd gradient, flattened row by row
     */
    static double[] check(PolicyLossFixture fixture, PolicyLoss loss, MicroBatch batch, double tolerance) {
        PolicyLossFixture.Autograd autograd = fixture.autograd(loss, batch);
        assertEquals(DataType.FLOAT64, autograd.output().loss().getDataType());
        double[][] logp = batch.logProbs();
        double[][] mask = batch.mask();
        int tokens = logp[0].length;
        for (int k = 0; k < autograd.gradient().length; k++) {
            int i = k / tokens;
            int t = k % tokens;
            double numeric = (value(loss, fixture.input(batch.withLogProbs(nudged(logp, i, t, STEP))))
                    - value(loss, fixture.input(batch.withLogProbs(nudged(logp, i, t, -STEP))))) / (2 * STEP);
            assertEquals(numeric, autograd.gradient()[k], tolerance, "d/dlogπ at " + k);
            if (mask[i][t] == 0) {
                assertEquals(0.0, autograd.gradient()[k], 0.0, "padding gets no gradient at " + k);
            }
        }
        return autograd.gradient();
    }

    static double value(PolicyLoss loss, PolicyLossInput input) {
        return loss.loss(input).loss().toType(DataType.FLOAT64, false).getDouble();
    }

    private static double[][] nudged(double[][] x, int i, int t, double h) {
        double[][] copy = x.clone();
        copy[i] = x[i].clone();
        copy[i][t] += h;
        return copy;
    }
}
