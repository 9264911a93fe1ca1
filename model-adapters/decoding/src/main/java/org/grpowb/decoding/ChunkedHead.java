package org.grpowb.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.OwnedArrays;

/**
 * A decoder's last step, from hidden states to the tempered next-token distribution over the tokenizer's ids, taken a
 * chunk of token positions at a time so that no array of positions × vocabulary larger than one chunk ever exists.
 *
 * <p>With h_n the hidden state at position n, W the unembedding's rows (V × D), s = 1/T (1 when T is 0 or 1) and
 * p_n = softmax(s · W h_n):
 * <ul>
 *   <li>{@link #values}: log p_n(y_n) and the entropy H_n = −Σ_v p_nv log p_nv. On the tape when h or W is: each chunk
 *       then keeps its own log-softmax for backward (and the whole, N × V, is kept chunk by chunk); the entropies are
 *       always detached.</li>
 *   <li>{@link #gradients}: for weights g_n, the exact gradients of Σ_n g_n log p_n(y_n) (the unembedding trick of
 *       chunked cross-entropy kernels, here with plain array operations), recomputing each chunk's softmax instead of
 *       keeping it: with r_nv = s · g_n · (1[v = y_n] − p_nv),
 *       ∂/∂h_n = Σ_v r_nv W_v and ∂/∂W_v = Σ_n r_nv h_n.</li>
 * </ul>
 * At most two arrays of {@code chunkRows} × V exist at a time (off the tape); only N × D and V × D arrays outlive a
 * chunk.
 */
final class ChunkedHead {

    private final NDArray unembedding;
    private final double inverseTemperature;
    private final long chunkRows;

    /**
     * @param unembedding W, (V, D): the rows of the tokenizer's ids only
     * @param temperature T; 0 (greedy) and 1 score the untempered distribution
     * @param chunkBytes  at most this many bytes of logits per chunk (at least one row)
     */
    ChunkedHead(NDArray unembedding, double temperature, long chunkBytes) {
        this.unembedding = unembedding;
        this.inverseTemperature = temperature == 0 || temperature == 1 ? 1.0 : 1.0 / temperature;
        long rowBytes = unembedding.getShape().get(0) * (long) unembedding.getDataType().getNumOfBytes();
        this.chunkRows = Math.max(1, chunkBytes / rowBytes);
    }

    /** Positions per chunk. */
    long chunkRows() {
        return chunkRows;
    }

    /**
     * log p_n(y_n) and H_n for every position.
     *
     * @param hidden  h, (N, D); on the tape or not
     * @param targets y, (N, 1) int64, PyTorch-owned (the gather keeps it for backward)
     * @return {log-probs (N), entropies (N)}, registered in the caller's scope
     */
    NDArray[] values(NDArray hidden, NDArray targets) {
        long n = hidden.getShape().get(0);
        List<NDArray> logProbs = new ArrayList<>();
        List<NDArray> entropies = new ArrayList<>();
        for (long from = 0; from < n; from += chunkRows) {
            long to = Math.min(n, from + chunkRows);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray logits = logits(rows(hidden, from, to));
                NDArray logSoftmax = logits.logSoftmax(-1);
                logits.close(); // the log-softmax keeps only its output for backward
                NDArray lp = logSoftmax.gather(rows(targets, from, to), 1).squeeze(1);
                NDArray detached = logSoftmax.stopGradient();
                NDArray h = detached.exp().muli(detached).sum(new int[] {1}).neg();
                NDScope.unregister(lp, h);
                logProbs.add(lp);
                entropies.add(h);
            }
        }
        return new NDArray[] {joined(logProbs), joined(entropies)};
    }

    /**
     * log Z_n = logsumexp over the vocabulary of (s · h_n) · Wᵀ for every position, a chunk at a time: with W it
     * factors the whole next-token distribution, π_n(v) = exp(s · h_n · W_v − log Z_n), without an (N, V) block.
     *
     * @param hidden h, (N, D), detached
     * @return (N), registered in the caller's scope
     */
    NDArray logNormalizers(NDArray hidden) {
        long n = hidden.getShape().get(0);
        List<NDArray> parts = new ArrayList<>();
        for (long from = 0; from < n; from += chunkRows) {
            long to = Math.min(n, from + chunkRows);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray logits = logits(rows(hidden, from, to));
                NDArray max = logits.max(new int[] {1}, true);
                NDArray logZ = logits.subi(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
                NDScope.unregister(logZ);
                parts.add(logZ);
            }
        }
        return joined(parts);
    }

    /**
     * ∂/∂h and ∂/∂W of Σ_n g_n log p_n(y_n), off the tape.
     *
     * @param hidden      h, (N, D), detached
     * @param targets     y, (N, 1) int64
     * @param weights     g, (N), detached
     * @param unembedding whether to compute ∂/∂W (a frozen W needs none)
     * @return {∂/∂h (N, D), ∂/∂W (V, D) or null}, registered in the caller's scope
     */
    NDArray[] gradients(NDArray hidden, NDArray targets, NDArray weights, boolean unembedding) {
        long n = hidden.getShape().get(0);
        List<NDArray> byHidden = new ArrayList<>();
        NDArray byUnembedding = unembedding ? this.unembedding.zerosLike() : null;
        NDArray scaled = weights.mul(OwnedArrays.scalar(weights, inverseTemperature)).expandDims(1);
        for (long from = 0; from < n; from += chunkRows) {
            long to = Math.min(n, from + chunkRows);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray h = rows(hidden, from, to);
                NDArray y = rows(targets, from, to);
                NDArray g = rows(scaled, from, to);
                NDArray logits = logits(h);
                NDArray p = logits.softmax(-1);
                logits.close(); // at most two chunk-sized arrays at a time
                // r = s·g·(onehot(y) − p): −s·g·p everywhere, then s·g·(1 − p_y) at the taken token
                NDArray atTarget = p.gather(y, 1).neg().addi(OwnedArrays.scalar(p, 1)).muli(g);
                NDArray r = p.muli(g).negi().scatter(y, atTarget, 1);
                p.close();
                NDArray dh = r.matMul(this.unembedding);
                if (byUnembedding != null) {
                    byUnembedding.addi(r.transpose().matMul(h));
                }
                NDScope.unregister(dh);
                byHidden.add(dh);
            }
        }
        return new NDArray[] {joined(byHidden), byUnembedding};
    }

    /** (s · h) Wᵀ, (n, V): tempered on the n × D side, which is V / D times smaller than the logits. */
    private NDArray logits(NDArray hidden) {
        // a PyTorch-owned scalar: on the tape when h is
        NDArray tempered = inverseTemperature == 1.0 ? hidden
                : hidden.mul(OwnedArrays.scalar(hidden, inverseTemperature));
        return tempered.matMul(unembedding.transpose());
    }

    private static NDArray rows(NDArray a, long from, long to) {
        return from == 0 && to == a.getShape().get(0) ? a : a.get(new NDIndex("{}:{}", from, to));
    }

    /** The chunks' results, unregistered from their chunk's scope, as one array in the caller's scope. */
    private static NDArray joined(List<NDArray> parts) {
        if (parts.size() == 1) {
            NDScope.register(parts.get(0));
            return parts.get(0);
        }
        NDArray all = NDArrays.concat(new NDList(parts), 0);
        parts.forEach(NDArray::close);
        return all;
    }
}
