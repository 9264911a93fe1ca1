package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;

/**
 * Checks a policy loss's autograd gradient with respect to log π_θ against central differences in float64, the way
 * {@code ClippedTokenLossTest} does; callers pick log-probs away from the loss's kinks (clip edges, gates).
 */
final class FiniteDifferences {

    private static final double STEP = 1e-6;

    private FiniteDifferences() {
    }

    /**
     * @param input  builds the loss input around a (B, T) float64 log π_θ array
     * @param mask   flat mask, to check that padding gets exactly no gradient
     * @return the autograd gradient, flat
     */
    static double[] check(NDManager manager, PolicyLoss loss, double[] logp, Shape shape, double[] mask,
                          Function<NDArray, PolicyLossInput> input, double tolerance) {
        NDArray x = manager.create(logp, shape);
        x.setRequiresGradient(true);
        double[] autograd;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.loss(input.apply(x)).loss();
            assertEquals(DataType.FLOAT64, l.getDataType());
            gc.backward(l);
            autograd = x.getGradient().toDoubleArray();
        }
        for (int k = 0; k < logp.length; k++) {
            double[] plus = logp.clone();
            double[] minus = logp.clone();
            plus[k] += STEP;
            minus[k] -= STEP;
            double numeric = (value(loss, input.apply(manager.create(plus, shape)))
                    - value(loss, input.apply(manager.create(minus, shape)))) / (2 * STEP);
            assertEquals(numeric, autograd[k], tolerance, "d/dlogπ at " + k);
            if (mask[k] == 0) {
                assertEquals(0.0, autograd[k], 0.0, "padding gets no gradient at " + k);
            }
        }
        return autograd;
    }

    static double value(PolicyLoss loss, PolicyLossInput input) {
        return loss.loss(input).loss().toType(DataType.FLOAT64, false).getDouble();
    }

    static long tokens(double[] mask) {
        long n = 0;
        for (double m : mask) {
            n += (long) m;
        }
        return n;
    }
}
