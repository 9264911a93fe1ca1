package org.grpowb.api;

import ai.djl.ndarray.NDArray;

/**
 * Last-layer features of given completions, padded to a common length T.
 *
 * @param hidden hidden states h_t entering the unembedding, shape (B, T, d): the state that predicts token t
 * @param probs  the next-token distribution π_t over the vocabulary at each completion position, shape (B, T, V)
 * @param mask   1 where a completion token exists, shape (B, T)
 */
public record TokenFeatures(NDArray hidden, NDArray probs, NDArray mask) {
}
