package org.grpowb.core.run;

/**
 * Per-token values of one completion, stored as compact arrays (one row per rollout, not per token).
 *
 * @param tokenIds   completion token ids (EOS included when sampled)
 * @param logProbs   log π_old of each token at sampling time
 * @param entropies  entropy (nats) of the sampling distribution at each position
 * @param advantages the advantage each token carried into the loss (a rollout's A_i broadcast unless per-token)
 */
public record TokenTrace(int[] tokenIds, float[] logProbs, float[] entropies, float[] advantages) {
    public TokenTrace {
        int n = tokenIds.length;
        if (logProbs.length != n || entropies.length != n || advantages.length != n) {
            throw new IllegalArgumentException("token trace arrays differ in length");
        }
    }

    public int length() {
        return tokenIds.length;
    }
}
