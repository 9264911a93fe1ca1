package org.grpowb.api;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * @param loss        scalar to minimise, differentiable with respect to the policy's parameters
 * @param metrics     named scalar diagnostics (e.g. {@code kl}, {@code clip_frac}), detached from the tape
 * @param tokenClipped 1 where the loss's clipped branch was active for that token, shape (B, T), detached; null when
 *                    the loss does not clip per token (the engine stores it for the token inspector)
 */
public record PolicyLossOutput(NDArray loss, Map<String, Double> metrics, NDArray tokenClipped) {
    public PolicyLossOutput {
        metrics = Map.copyOf(metrics);
    }

    /** An output without per-token clipping flags. */
    public PolicyLossOutput(NDArray loss, Map<String, Double> metrics) {
        this(loss, metrics, null);
    }
}
