package org.grpowb.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Last-layer features of given completions, padded to a common length T: the hidden state h_t that predicts token t,
 * and the next-token distribution π_t it gives.
 *
 * <p>π comes in one of two forms. <em>Dense</em>: the whole (B, T, V) distribution, fine for a vocabulary of a hundred
 * ids. <em>Factored</em>: the unembedding W (V, d) and each position's log-normaliser log Z_t = logsumexp(h_t · Wᵀ), so
 * that π_t(v) = exp(h_t · W_v − log Z_t) is computed only where it is read: at a 150k vocabulary a (B, T, V) block of a
 * step's rollouts would not fit in memory, and THR reads it only at the group's own vocabulary.
 */
public final class TokenFeatures {

    private final NDArray hidden;
    private final NDArray mask;
    private final NDArray probs;
    private final NDArray unembedding;
    private final NDArray logNormalizer;

    private TokenFeatures(NDArray hidden, NDArray mask, NDArray probs, NDArray unembedding, NDArray logNormalizer) {
        this.hidden = hidden;
        this.mask = mask;
        this.probs = probs;
        this.unembedding = unembedding;
        this.logNormalizer = logNormalizer;
    }

    /**
     * @param hidden (B, T, d)
     * @param probs  π_t over the vocabulary, (B, T, V)
     * @param mask   1 where a completion token exists, (B, T)
     */
    public static TokenFeatures dense(NDArray hidden, NDArray probs, NDArray mask) {
        return new TokenFeatures(hidden, mask, probs, null, null);
    }

    /**
     * @param hidden        (B, T, d)
     * @param unembedding   W over the tokenizer's ids, (V, d)
     * @param logNormalizer log Z_t = logsumexp over v of h_t · W_v, (B, T)
     * @param mask          1 where a completion token exists, (B, T)
     */
    public static TokenFeatures factored(NDArray hidden, NDArray unembedding, NDArray logNormalizer, NDArray mask) {
        return new TokenFeatures(hidden, mask, null, unembedding, logNormalizer);
    }

    /** Hidden states entering the unembedding, (B, T, d); zero at padding. */
    public NDArray hidden() {
        return hidden;
    }

    /** 1 where a completion token exists, (B, T). */
    public NDArray mask() {
        return mask;
    }

    /** V, the ids π is over. */
    public int vocabSize() {
        NDArray v = probs != null ? probs : unembedding;
        Shape s = v.getShape();
        return Math.toIntExact(probs != null ? s.get(2) : s.get(0));
    }

    /**
     * π at chosen cells: for each of G lists, N positions (flat indices b·T + t into the (B, T) grid) and M ids.
     *
     * @param positions (G, N) int64
     * @param ids       (G, M) int64, each in [0, V)
     * @return (G, N, M): π_position(id), in the features' dtype; no gradient
     */
    public NDArray probabilitiesAt(NDArray positions, NDArray ids) {
        long g = positions.getShape().get(0);
        long n = positions.getShape().get(1);
        long m = ids.getShape().get(1);
        if (probs != null) {
            long v = vocabSize();
            NDArray cells = positions.mul(v).reshape(g, n, 1).add(ids.reshape(g, 1, m));
            return probs.stopGradient().take(cells);
        }
        long d = hidden.getShape().get(2);
        NDArray h = hidden.stopGradient().reshape(-1, d).get(positions.reshape(-1)).reshape(g, n, d);
        NDArray w = unembedding.stopGradient().get(ids.reshape(-1)).reshape(g, m, d);
        NDArray logZ = logNormalizer.stopGradient().reshape(-1).take(positions.reshape(-1)).reshape(g, n, 1);
        return h.matMul(w.transpose(0, 2, 1)).sub(logZ).exp();
    }

    /**
     * The whole (B, T, V) distribution, zero at padding: the dense form as it is, the factored one materialised (for
     * small vocabularies and tests).
     */
    public NDArray probs() {
        if (probs != null) {
            return probs;
        }
        NDArray logits = hidden.stopGradient().matMul(unembedding.stopGradient().transpose());
        return logits.sub(logNormalizer.stopGradient().expandDims(-1)).exp().mul(mask.expandDims(-1));
    }
}
