package org.grpowb.api;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

/**
 * The scores of one policy update split at the log-probs: their values, detached, and the way from a gradient with
 * respect to them back to the parameters.
 *
 * <p>The engine builds the loss L on a leaf copy of {@link #values()}'s log-probs, takes g = ∂L/∂log π from a backward
 * pass through the loss alone, then calls {@link #backward}(tape, g): by the chain rule the parameters receive
 * Σ_{b,t} g_bt ∇_θ log π_bt, exactly the gradient of L. Splitting there lets a model keep off the tape whatever its
 * log-probs are computed from after its last differentiable input (a decoder: the batch × length × vocabulary logits).
 *
 * <p>Contract: made inside a gradient collector by {@link PolicyModel#scoreForUpdate}; {@link #backward} is called at
 * most once, inside the same collector.
 */
public interface DifferentiableScores {

    /** Log-probs, entropies and mask, (B, T) each, detached, attached to the manager the scores were made in. */
    TokenScores values();

    /**
     * Adds Σ_{b,t} g_bt ∂log π_bt/∂θ to the gradient of every parameter θ: by backpropagating a surrogate scalar
     * through {@code tape}, or, for a leaf parameter whose share it computes itself, by adding that share to the
     * parameter's gradient directly.
     *
     * @param tape            the collector the scores were made in
     * @param dLossByLogProbs g, (B, T), no gradient; padding positions are ignored
     */
    void backward(GradientCollector tape, NDArray dLossByLogProbs);
}
