package org.grpowb.core.run;

/**
 * Per-token values of one completion, stored as compact arrays (one row per rollout, not per token).
 *
 * <p>A <em>thin</em> trace keeps the token ids only ({@link #idsOnly}): a store that thins old steps to save space
 * still shows which tokens were sampled. Its {@code logProbs}, {@code entropies}, {@code advantages},
 * {@code currentLogProbs}, {@code clipped} and {@code thr} are all null and {@link #hasValues()} is false; readers
 * check it before reading values.
 *
 * @param tokenIds        completion token ids (EOS included when sampled)
 * @param logProbs        log π_old of each token at sampling time; null in a thin trace
 * @param entropies       entropy (nats) of the sampling distribution at each position; null in a thin trace
 * @param advantages      the advantage each token carried into the loss, after any per-token weighting; null in a thin
 *                        trace
 * @param currentLogProbs log π_θ in the update (the numerator of the importance ratio); null when not trained, or thin
 * @param clipped         1 where the loss's clipped branch was active for the token, else 0; null when unknown, or thin
 * @param thr             Token Hidden Reward of each token; null when not computed, or thin
 */
public record TokenTrace(int[] tokenIds, float[] logProbs, float[] entropies, float[] advantages,
                         float[] currentLogProbs, byte[] clipped, float[] thr) {

    public TokenTrace {
        int n = tokenIds.length;
        if (logProbs == null || entropies == null || advantages == null) {
            // the sampling-time values go together: a trace has all of them, or is thin and has no values at all
            if (logProbs != null || entropies != null || advantages != null || currentLogProbs != null
                    || clipped != null || thr != null) {
                throw new IllegalArgumentException("a token trace without log-probs, entropies or advantages must be"
                        + " thin: token ids and no values");
            }
        } else if (logProbs.length != n || entropies.length != n || advantages.length != n
                || (currentLogProbs != null && currentLogProbs.length != n) || (clipped != null && clipped.length != n)
                || (thr != null && thr.length != n)) {
            throw new IllegalArgumentException("token trace arrays differ in length");
        }
    }

    /** A trace of sampling-time values only. */
    public TokenTrace(int[] tokenIds, float[] logProbs, float[] entropies, float[] advantages) {
        this(tokenIds, logProbs, entropies, advantages, null, null, null);
    }

    /** A thin trace: the sampled token ids without any per-token value. */
    public static TokenTrace idsOnly(int[] tokenIds) {
        return new TokenTrace(tokenIds, null, null, null, null, null, null);
    }

    /** False for a thin trace, whose value arrays are all null. */
    public boolean hasValues() {
        return logProbs != null;
    }

    public int length() {
        return tokenIds.length;
    }

    /**
     * Importance ratios ρ_t = π_θ / π_old, derived from the two log-probs; null when there is no current log-prob
     * (and so for a thin trace).
     */
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
