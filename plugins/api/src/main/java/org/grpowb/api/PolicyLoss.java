package org.grpowb.api;

/**
 * A policy loss over token log-probabilities.
 *
 * <p>Contract: returns a scalar {@link ai.djl.ndarray.NDArray} whose gradient with respect to
 * {@link PolicyLossInput#logProbs()} is the variant's policy gradient; padding ({@code mask == 0}) contributes nothing.
 * Scaled so that summing the losses of a step's micro-batches gives the loss of the whole batch. Must not close its
 * inputs.
 */
public interface PolicyLoss {
    PolicyLossOutput loss(PolicyLossInput input);
}
