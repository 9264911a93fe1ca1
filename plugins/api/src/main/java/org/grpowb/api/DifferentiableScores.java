package org.grpowb.api;

import ai.djl.ndarray.NDArray;

/**
 * The scores of one policy update split at the log-probs: their values, detached, and the way from a gradient with
 * respect to them back to the parameters.
 *
 * <p>The engine builds the loss L on a leaf copy of {@link #values()}'s log-probs, takes g = ∂L/∂log π from a backward
 * pass through the loss alone, then backpropagates {@link #surrogate}(g): by the chain rule the parameters receive
 * Σ_{b,t} g_bt ∇_θ log π_bt, exactly the gradient of L. Splitting there lets a model keep off the tape whatever its
 * log-probs are computed from after its last differentiable input (a decoder: the batch × length × vocabulary logits).
 *
 * <p>Contract: made inside a gradient collector by {@link PolicyModel#scoreForUpdate}; {@link #surrogate} is called at
 * most once, inside the same collector, and its result backpropagated there.
 */
public interface DifferentiableScores {

    /** Log-probs, entropies and mask, (B, T) each, detached, attached to the manager the scores were made in. */
    TokenScores values();

    /**
     * A scalar on the gradient tape whose gradient with respect to every parameter is Σ_{b,t} g_bt ∂log π_bt/∂θ; its
     * value means nothing.
     *
     * @param dLossByLogProbs g, (B, T), no gradient; padding positions are ignored
     */
    NDArray surrogate(NDArray dLossByLogProbs);
}
