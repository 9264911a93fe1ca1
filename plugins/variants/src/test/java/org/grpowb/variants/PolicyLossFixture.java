package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.PolicyLossInput;
import org.grpowb.api.PolicyLossOutput;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every policy-loss test stands on: a DJL {@link NDManager} opened before each test and closed after it (register
 * it with {@code @RegisterExtension}), on which a {@link MicroBatch} becomes a {@link PolicyLossInput}, a loss is
 * differentiated once by autograd or summed over micro-batches of one completion, and a loss's scalar is read back.
 */
final class PolicyLossFixture implements BeforeEachCallback, AfterEachCallback {

    /** A loss's output and its autograd gradient with respect to log π_θ, flattened row by row. */
    record Autograd(PolicyLossOutput output, double[] gradient) {
    }

    private NDManager manager;

    @Override
    public void beforeEach(ExtensionContext context) {
        manager = NDManager.newBaseManager();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        manager.close();
    }

    NDManager manager() {
        return manager;
    }

    /** The batch in float64. */
    PolicyLossInput input(MicroBatch batch) {
        return input(batch, DataType.FLOAT64);
    }

    /** The batch with every table cast to {@code type}, as a model in reduced precision would hand it over. */
    PolicyLossInput input(MicroBatch batch, DataType type) {
        return input(batch, type, array(batch.logProbs(), type));
    }

    /** The batch in float64 with the given log π_θ (e.g. one the caller put on the gradient tape). */
    PolicyLossInput input(MicroBatch batch, NDArray logProbs) {
        return input(batch, DataType.FLOAT64, logProbs);
    }

    /**
     * Runs the loss on the batch (float64) with log π_θ on the gradient tape and back-propagates its scalar; the
     * output's values and metrics stay readable afterwards.
     */
    Autograd autograd(PolicyLoss loss, MicroBatch batch) {
        NDArray logProbs = array(batch.logProbs(), DataType.FLOAT64);
        logProbs.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PolicyLossOutput out = loss.loss(input(batch, DataType.FLOAT64, logProbs));
            gc.backward(out.loss());
            return new Autograd(out, logProbs.getGradient().toDoubleArray());
        }
    }

    /**
     * The loss of each completion run as a micro-batch of its own, summed: with the step-wide counts in every
     * micro-batch, gradient accumulation over them must give the loss of the whole batch.
     */
    double sumOfRowLosses(PolicyLoss loss, MicroBatch batch) {
        double sum = 0;
        for (MicroBatch row : batch.rows()) {
            sum += value(loss.loss(input(row)));
        }
        return sum;
    }

    /** The loss as a double, after checking that it is a scalar. */
    static double value(PolicyLossOutput out) {
        assertEquals(new Shape(), out.loss().getShape());
        return out.loss().toType(DataType.FLOAT64, false).getDouble();
    }

    private PolicyLossInput input(MicroBatch b, DataType type, NDArray logProbs) {
        return new PolicyLossInput(logProbs, array(b.oldLogProbs(), type), array(b.refLogProbs(), type),
                array(b.advantages(), type), array(b.mask(), type), b.groupSize(), b.maxCompletionLength(),
                b.globalActiveTokens(), b.globalSequences(), array(b.entropies(), type));
    }

    private NDArray array(double[][] table, DataType type) {
        if (table == null) {
            return null;
        }
        NDArray a = manager.create(table);
        return type == DataType.FLOAT64 ? a : a.toType(type, false);
    }
}
