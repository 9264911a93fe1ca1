package org.grpowb.decoding;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.TokenFeatures;
import org.grpowb.api.TokenScores;

/**
 * Sampling, scoring and last-layer features of any decoder-only policy, given its forward pass ({@link Pass}): what a
 * model adapter would otherwise write again for each architecture.
 *
 * <ul>
 *   <li>{@link #sample}: one batch of B = prompts × G rows, each distinct prompt run once (prefill) and shared by its
 *       group through the key/value cache; without the cache every step reruns the prefix. Rows stop at any of the
 *       tokenizer's stop ids, at {@code maxNewTokens}, or at the context. Draws come from one
 *       {@link Random}{@code (seed)} in row order, so the result depends only on the seed, the weights and the
 *       inputs.</li>
 *   <li>{@link #score}: one batched forward over [prompt][completion] rows (prompts left-padded to end together); the
 *       hidden state of column P − 1 + t predicts completion token t. At a temperature T the log-probs and entropies are
 *       those of softmax(logits / T), the distribution the sampler drew from.</li>
 *   <li>Every distribution is a softmax over the tokenizer's ids only: an embedding padded beyond the tokenizer (Qwen)
 *       never has its extra rows sampled or counted.</li>
 * </ul>
 *
 * <p>Every array a call creates is freed before it returns (an {@link NDScope} per call and per decoding step), except
 * the results of {@link #score} and {@link #features}, which move to the caller's manager.
 */
public abstract class DecoderPolicy implements PolicyModel {

    /** One forward pass of the architecture, on the parameters seen through a view (e.g. detached for sampling). */
    protected interface Pass {
        /**
         * Hidden states entering the unembedding.
         *
         * @param tokens    ids, (B, S) int64
         * @param positions position ids, (B, S) int64
         * @param mask      additive attention mask, (B, 1, S, S_past + S)
         * @param cache     null, or the keys and values of the earlier columns; this call's are appended
         * @return (B, S, D)
         */
        NDArray hidden(NDArray tokens, NDArray positions, NDArray mask, KvCache cache);

        /** Next-token logits over the embedding's rows, (..., D) → (..., V). */
        NDArray logits(NDArray hidden);
    }

    /** The manager the parameters live in, on the model's device; per-call arrays are made in it. */
    protected final NDManager manager;

    protected DecoderPolicy(NDManager manager) {
        this.manager = manager;
    }

    /** The forward pass with every parameter seen through {@code view}. */
    protected abstract Pass pass(UnaryOperator<NDArray> view);

    /** Decoder blocks, one key/value pair each in the cache. */
    protected abstract int layers();

    /** D, the width of the hidden states. */
    protected abstract int hiddenSize();

    /** The compute type of activations and masks. */
    protected abstract DataType dtype();

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public List<List<SampledCompletion>> sample(List<int[]> prompts, int groupSize, SamplingSettings settings, long seed) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be at least 1, got " + groupSize);
        }
        for (int i = 0; i < prompts.size(); i++) {
            checkPrompt(prompts.get(i), i, 1);
        }
        if (prompts.isEmpty()) {
            return List.of();
        }
        List<int[]> rowPrompts = new ArrayList<>(prompts.size() * groupSize);
        for (int[] prompt : prompts) {
            for (int g = 0; g < groupSize; g++) {
                rowPrompts.add(prompt);
            }
        }
        DecodedRows decoding = new DecodedRows(rowPrompts, settings.maxNewTokens(), contextLength(),
                new HashSet<>(codec().stopIds()));
        NextTokenSampler sampler = new NextTokenSampler(settings.temperature(), settings.topP(), new Random(seed));
        try (NDScope callScope = new NDScope();
             KvCache cache = settings.useKvCache() ? new KvCache(layers()) : null) {
            callScope.suppressNotUsedWarning();
            // detached views: sampling records nothing on the tape, even inside a gradient collector
            Pass pass = pass(NDArray::stopGradient);
            double[][] logits = prefill(pass, prompts, decoding.promptWidth, groupSize, cache);
            for (int step = 1; ; step++) {
                for (int row = 0; row < logits.length; row++) {
                    if (!decoding.done(row)) {
                        decoding.append(row, sampler.draw(logits[row]));
                    }
                }
                if (decoding.allDone()) {
                    break;
                }
                BatchLayout layout = BatchLayout.of(rowPrompts, decoding.tails(step), decoding.promptWidth + step);
                logits = lastLogits(pass, layout, cache != null ? layout.width - 1 : 0, cache);
            }
        }
        List<List<SampledCompletion>> groups = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            List<SampledCompletion> group = new ArrayList<>(groupSize);
            for (int g = 0; g < groupSize; g++) {
                group.add(decoding.completion(i * groupSize + g));
            }
            groups.add(Collections.unmodifiableList(group));
        }
        return Collections.unmodifiableList(groups);
    }

    /** Each distinct prompt once; with a cache, every row of a group then starts from its prompt's keys and values. */
    private double[][] prefill(Pass pass, List<int[]> prompts, int promptWidth, int groupSize, KvCache cache) {
        double[][] perPrompt = lastLogits(pass, BatchLayout.of(prompts, null, promptWidth), 0, cache);
        double[][] perRow = new double[prompts.size() * groupSize][];
        long[] promptOfRow = new long[perRow.length];
        for (int row = 0; row < perRow.length; row++) {
            promptOfRow[row] = row / groupSize;
            perRow[row] = perPrompt[row / groupSize];
        }
        if (cache != null && groupSize > 1) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                cache.selectRows(OwnedArrays.owned(manager.create(promptOfRow), DataType.INT64));
                cache.commit();
            }
        }
        return perRow;
    }

    /** Logits after the layout's last column, over the tokenizer's ids, feeding columns {@code from..} of it. */
    private double[][] lastLogits(Pass pass, BatchLayout layout, int from, KvCache cache) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = pass.hidden(layout.tokens(manager, from), layout.positions(manager, from, contextLength()),
                    layout.mask(manager, from, dtype()), cache);
            double[][] rows = toRows(vocabulary(pass.logits(hidden.get(":, -1, :"))));
            if (cache != null) {
                cache.commit();
            }
            return rows;
        }
    }

    @Override
    public TokenScores score(NDManager target, List<int[]> prompts, List<int[]> completions) {
        return score(target, prompts, completions, 1.0);
    }

    /** Log-probs and entropies of softmax(logits / T); T = 0 (greedy) and T = 1 score the untempered policy. */
    @Override
    public TokenScores score(NDManager target, List<int[]> prompts, List<int[]> completions, double temperature) {
        Rows rows = checkRows(prompts, completions);
        NDArray logProbs;
        NDArray entropies;
        NDArray mask;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            mask = completionMask(completions, rows);
            if (rows.empty()) {
                logProbs = mask.zerosLike();
                entropies = mask.zerosLike();
            } else {
                Pass pass = pass(UnaryOperator.identity());
                NDArray logits = vocabulary(pass.logits(completionHidden(pass, prompts, completions, rows)));
                if (temperature != 0 && temperature != 1) {
                    // a PyTorch-owned scalar: it sits on the gradient tape
                    logits = logits.mul(OwnedArrays.scalar(logits, 1 / temperature));
                }
                NDArray logP = logits.logSoftmax(-1);
                logProbs = logP.gather(completionIds(completions, rows), -1).squeeze(-1).mul(mask);
                entropies = logP.exp().mul(logP).sum(new int[] {-1}).neg().mul(mask);
            }
            NDScope.unregister(logProbs, entropies, mask);
        }
        handOver(target, logProbs, entropies, mask);
        return new TokenScores(logProbs, entropies, mask);
    }

    /**
     * The same forward as {@link #score}, on detached weights: at completion position t the hidden state entering the
     * unembedding and the distribution that predicts token t. Padding positions are zero in all three arrays.
     */
    @Override
    public Optional<TokenFeatures> features(NDManager target, List<int[]> prompts, List<int[]> completions) {
        Rows rows = checkRows(prompts, completions);
        NDArray hidden;
        NDArray probs;
        NDArray mask;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            mask = completionMask(completions, rows);
            if (rows.empty()) {
                hidden = manager.zeros(new Shape(rows.count(), rows.steps(), hiddenSize()), dtype());
                probs = manager.zeros(new Shape(rows.count(), rows.steps(), codec().vocabSize()), dtype());
            } else {
                Pass pass = pass(NDArray::stopGradient);
                NDArray h = completionHidden(pass, prompts, completions, rows);
                NDArray present = mask.expandDims(-1);
                probs = vocabulary(pass.logits(h)).softmax(-1).mul(present);
                hidden = h.mul(present);
            }
            NDScope.unregister(hidden, probs, mask);
        }
        handOver(target, hidden, probs, mask);
        return Optional.of(TokenFeatures.dense(hidden, probs, mask));
    }

    /** The first {@code codec().vocabSize()} logits of the last axis. */
    private NDArray vocabulary(NDArray logits) {
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        int ids = codec().vocabSize();
        return v == ids ? logits : logits.get(new NDIndex("..., :{}", ids));
    }

    /** A checked batch of [prompt][completion] rows: P, the longest prompt, and T, the longest completion. */
    private record Rows(int count, int promptWidth, int steps) {
        boolean empty() {
            return count == 0 || steps == 0;
        }
    }

    private Rows checkRows(List<int[]> prompts, List<int[]> completions) {
        if (prompts.size() != completions.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + completions.size() + " completions");
        }
        int promptWidth = 0;
        int steps = 0;
        for (int r = 0; r < prompts.size(); r++) {
            checkPrompt(prompts.get(r), r, 0);
            checkTokens(completions.get(r), "completion " + r);
            int total = prompts.get(r).length + completions.get(r).length;
            if (total > contextLength()) {
                throw new IllegalArgumentException("row " + r + ": prompt + completion is " + total
                        + " tokens, longer than the context of " + contextLength());
            }
            promptWidth = Math.max(promptWidth, prompts.get(r).length);
            steps = Math.max(steps, completions.get(r).length);
        }
        return new Rows(prompts.size(), promptWidth, steps);
    }

    private void checkPrompt(int[] prompt, int index, int reserve) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt " + index + " is empty: the first token needs something to follow");
        }
        if (prompt.length + reserve > contextLength()) {
            throw new IllegalArgumentException("prompt " + index + " has " + prompt.length + " tokens; the context of "
                    + contextLength() + " leaves no room for a completion");
        }
        checkTokens(prompt, "prompt " + index);
    }

    private void checkTokens(int[] ids, String what) {
        int vocab = codec().vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(what + ": token " + ids[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    /** (B, T): 1 where a completion token exists. */
    private NDArray completionMask(List<int[]> completions, Rows rows) {
        float[] present = new float[rows.count() * rows.steps()];
        for (int r = 0; r < rows.count(); r++) {
            Arrays.fill(present, r * rows.steps(), r * rows.steps() + completions.get(r).length, 1f);
        }
        return OwnedArrays.owned(manager.create(present, new Shape(rows.count(), rows.steps())), dtype());
    }

    /** (B, T, 1) int64: the completion token ids, padding with 0. */
    private NDArray completionIds(List<int[]> completions, Rows rows) {
        long[] next = new long[rows.count() * rows.steps()];
        for (int r = 0; r < rows.count(); r++) {
            int[] c = completions.get(r);
            for (int t = 0; t < c.length; t++) {
                next[r * rows.steps() + t] = c[t];
            }
        }
        return OwnedArrays.owned(manager.create(next, new Shape(rows.count(), rows.steps(), 1)), DataType.INT64);
    }

    /** (B, T, D): the hidden state that predicts each completion token. */
    private NDArray completionHidden(Pass pass, List<int[]> prompts, List<int[]> completions, Rows rows) {
        // the last completion token is never an input, so the layout stops one column short of it
        BatchLayout layout = BatchLayout.of(prompts, completions, rows.promptWidth() + rows.steps() - 1);
        NDArray hidden = pass.hidden(layout.tokens(manager, 0), layout.positions(manager, 0, contextLength()),
                layout.mask(manager, 0, dtype()), null);
        return hidden.get(new NDIndex(":, {}:, :", rows.promptWidth() - 1));
    }

    /** Moves a call's results to the caller's manager, as if made in the caller's scope, if it has one. */
    private static void handOver(NDManager target, NDArray... results) {
        for (NDArray a : results) {
            a.attach(target);
            NDScope.register(a);
        }
    }

    /** (B, V) on the device → B rows of V doubles on the host. */
    private static double[][] toRows(NDArray logits) {
        int rows = Math.toIntExact(logits.getShape().get(0));
        int v = Math.toIntExact(logits.getShape().get(1));
        double[] flat = logits.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * v, (r + 1) * v);
        }
        return out;
    }
}
