package org.grpowb.api;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * @param loss    scalar to minimise, differentiable with respect to the policy's parameters
 * @param metrics named scalar diagnostics (e.g. {@code kl}, {@code clip_frac}), detached from the tape
 */
public record PolicyLossOutput(NDArray loss, Map<String, Double> metrics) {
    public PolicyLossOutput {
        metrics = Map.copyOf(metrics);
    }
}
