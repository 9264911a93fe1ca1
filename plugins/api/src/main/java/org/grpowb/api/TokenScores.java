package org.grpowb.api;

import ai.djl.ndarray.NDArray;

/**
 * Per-token values of given completions under a policy, padded to a common length T.
 *
 * @param logProbs  log π(y_t | ·), shape (B, T); differentiable when computed inside a gradient collector
 * @param entropies entropy of the next-token distribution, shape (B, T)
 * @param mask      1.0 where a completion token exists, 0.0 for padding, shape (B, T)
 */
public record TokenScores(NDArray logProbs, NDArray entropies, NDArray mask) {
}
