package org.grpowb.core.run;

/**
 * Per-token values of one completion, stored as compact arrays (one row per rollout, not per token).
 *
 * @param tokenIds        completion token ids (EOS included when sampled)
 * @param logProbs        log π_old of each token at sampling time
 * @param entropies       entropy (nats) of the sampling distribution at each position
 * @param advantages      the advantage each token carried into the loss, after any per-token weighting
 * @param currentLogProbs log π_θ in the update (the numerator of the importance ratio); null when not trained
 * @param clipped         1 where the loss's clipped branch was active for the token, else 0; null when unknown
 * @param thr             Token Hidden Reward of each token; null when not computed
 */
public record TokenTrace(int[] tokenIds, float[] logProbs, float[] entropies, float[] advantages,
                         float[] currentLogProbs, byte[] clipped, float[] thr) {

    public TokenTrace {
        int n = tokenIds.length;
        if (logProbs.length != n || entropies.length != n || advantages.length != n
                || (currentLogProbs != null && currentLogProbs.length != n) || (clipped != null && clipped.length != n)
                || (thr != null && thr.length != n)) {
            throw new IllegalArgumentException("token trace arrays differ in length");
        }
    }

    /** A trace of sampling-time values only. */
    public TokenTrace(int[] tokenIds, float[] logProbs, float[] entropies, float[] advantages) {
        this(tokenIds, logProbs, entropies, advantages, null, null, null);
    }

    public int length() {
        return tokenIds.length;
    }

    /** Importance ratios ρ_t = π_θ / π_old, derived from the two log-probs; null when there is no current log-prob. */
    public float[] ratios() {
        if (currentLogProbs == null) {
            return null;
        }
        float[] r = new float[tokenIds.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) Math.exp(currentLogProbs[i] - logProbs[i]);
        }
        return r;
    }
}
