package org.grpowb.api;

/**
 * One sampled completion with what the sampling policy thought of each of its tokens.
 *
 * @param tokens    completion token ids, ending with EOS unless {@code truncated}
 * @param logProbs  log π_old(y_t | ·) of each sampled token under the distribution it was drawn from: softmax(logits / T)
 *                  at the sampling temperature T (untempered when T is 0, greedy, or 1), as TRL records π_old
 * @param entropies entropy (nats) of that same next-token distribution at each position
 * @param truncated true when the budget ran out before EOS
 */
public record SampledCompletion(int[] tokens, float[] logProbs, float[] entropies, boolean truncated) {
    public SampledCompletion {
        if (tokens.length != logProbs.length || tokens.length != entropies.length) {
            throw new IllegalArgumentException("tokens, logProbs and entropies differ in length");
        }
    }

    public int length() {
        return tokens.length;
    }
}
