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
 *       chunked cross-entropy kernels, here with plain array operations), taken a block of the vocabulary at a time
 *       from each position's log-normaliser log Z_n, which {@link #values} hands back: with r_nv = s · g_n · (1[v =
 *       y_n] − p_nv) and p_nv = exp(s · h_n · W_v − log Z_n), ∂/∂h_n = Σ_v r_nv W_v and ∂/∂W_v = Σ_n r_nv h_n. A block
 *       of W's rows gets its whole gradient at once, so it is added in place into an accumulator (the parameter's own
 *       gradient, when it has one), and no vocabulary-sized array is made per call.</li>
 * </ul>
 * {@link #values} holds at most two arrays of {@code chunkRows} × V at a time (off the tape); {@link #gradients} holds
 * blocks of at most {@link #BLOCK_BYTES} (N × block and block × D); only N × D and V × D arrays outlive a chunk.
 */
final class ChunkedHead {

    /**
     * Bound on each array of a vocabulary block in {@link #gradients}: 16 MiB (ours), below glibc's largest mmap
     * threshold (32 MiB), so the blocks are reused from the heap instead of being mapped, and page-faulted, afresh each
     * time; a block of W's rows stays a few thousand rows wide, where the matrix products run at full speed.
     */
    static final long BLOCK_BYTES = 16L << 20;

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
     * @return {log-probs (N), entropies (N), log-normalisers log Z (N)}, registered in the caller's scope; the last
     *         two detached
     */
    NDArray[] values(NDArray hidden, NDArray targets) {
        long n = hidden.getShape().get(0);
        List<NDArray> logProbs = new ArrayList<>();
        List<NDArray> entropies = new ArrayList<>();
        List<NDArray> normalisers = new ArrayList<>();
        for (long from = 0; from < n; from += chunkRows) {
            long to = Math.min(n, from + chunkRows);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray y = rows(targets, from, to);
                NDArray logits = logits(rows(hidden, from, to));
                NDArray logSoftmax = logits.logSoftmax(-1);
                // log softmax = logits − log Z at every id, so the taken one gives log Z without another pass
                NDArray atTarget = logits.stopGradient().gather(y, 1).squeeze(1);
                logits.close(); // the log-softmax keeps only its output for backward
                NDArray lp = logSoftmax.gather(y, 1).squeeze(1);
                NDArray logZ = atTarget.sub(lp.stopGradient());
                NDArray detached = logSoftmax.stopGradient();
                NDArray h = detached.exp().muli(detached).sum(new int[] {1}).neg();
                NDScope.unregister(lp, h, logZ);
                logProbs.add(lp);
                entropies.add(h);
                normalisers.add(logZ);
            }
        }
        return new NDArray[] {joined(logProbs), joined(entropies), joined(normalisers)};
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
     * ∂/∂h of Σ_n g_n log p_n(y_n), with ∂/∂W added into {@code byUnembedding}; off the tape.
     *
     * @param hidden        h, (N, D), detached
     * @param targets       y, (N, 1) int64
     * @param weights       g, (N), detached
     * @param logZ          log Z, (N), from {@link #values} at the same temperature
     * @param byUnembedding null when W is frozen; else (V, D), W's shape, to which ∂/∂W is added in place
     * @return ∂/∂h, (N, D), registered in the caller's scope
     */
    NDArray gradients(NDArray hidden, NDArray targets, NDArray weights, NDArray logZ, NDArray byUnembedding) {
        long n = hidden.getShape().get(0);
        long v = unembedding.getShape().get(0);
        long d = unembedding.getShape().get(1);
        long bytes = unembedding.getDataType().getNumOfBytes();
        long block = Math.max(1, BLOCK_BYTES / (bytes * Math.max(n, d)));
        NDArray scaled = weights.mul(OwnedArrays.scalar(weights, inverseTemperature)).expandDims(1);
        NDArray tempered = inverseTemperature == 1.0 ? hidden
                : hidden.mul(OwnedArrays.scalar(hidden, inverseTemperature));
        NDArray shift = logZ.neg().expandDims(1);
        NDArray byHidden = hidden.zerosLike();
        for (long from = 0; from < v; from += block) {
            long to = Math.min(v, from + block);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray w = rows(unembedding, from, to);
                // r = −s·g·p over the block, then s·g·(1 − p_y) at the taken token where it falls in the block
                NDArray r = tempered.matMul(w.transpose()).addi(shift).exp().muli(scaled).negi();
                NDArray inBlock = targets.gte(from).logicalAnd(targets.lt(to)).toType(r.getDataType(), false);
                NDArray at = targets.sub(from).clip(0, to - from - 1);
                NDArray atTarget = r.gather(at, 1).addi(scaled.mul(inBlock));
                r = r.scatter(at, atTarget, 1);
                byHidden.addi(r.matMul(w));
                if (byUnembedding != null) {
                    rows(byUnembedding, from, to).addi(r.transpose().matMul(hidden));
                }
            }
        }
        return byHidden;
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
