package org.grpowb.decoding;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.grpowb.api.DifferentiableScores;
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
 *       those of softmax(logits / T), the distribution the sampler drew from. Only the completion tokens' hidden states
 *       meet the unembedding, a chunk of positions at a time ({@link ChunkedHead}, at most
 *       {@link #setLogitChunkBytes} of logits per chunk), so no batch × length × vocabulary array is ever made; the
 *       entropies are off the tape.</li>
 *   <li>{@link #scoreForUpdate}: the same, with only the trunk on the tape: the log-probs are computed off it, and the
 *       backward pushes g = ∂L/∂log π through the unembedding by its exact gradients, recomputed a block of the
 *       vocabulary at a time, so that the tape holds no logits at all (for Qwen's vocabulary of 151,936 they would outweigh the trunk's
 *       activations).</li>
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

        /**
         * The unembedding W, (V, D) over the embedding's rows, through the pass's view: the embedding itself when
         * tied. Chunked scoring computes the logits h · Wᵀ from it directly, so a head with a bias or a softcap needs
         * more than this interface says. {@link #scoreForUpdate} trains W when it has a gradient, as a parameter with
         * gradients on has; a frozen parameter or a detached view has none. (DJL reports none for an array computed on
         * the tape either: a head made from other parameters, such as a merged adapter, needs its own way back.)
         */
        NDArray unembedding();

        /** Next-token logits h · Wᵀ over the embedding's rows, (..., D) → (..., V). */
        default NDArray logits(NDArray hidden) {
            return hidden.matMul(unembedding().transpose());
        }
    }

    /** Default bound on the logits of one chunk: 64 MiB, about 110 positions of Qwen's vocabulary in float32. */
    public static final long DEFAULT_LOGIT_CHUNK_BYTES = 64L << 20;

    /** The manager the parameters live in, on the model's device; per-call arrays are made in it. */
    protected final NDManager manager;

    private long logitChunkBytes = DEFAULT_LOGIT_CHUNK_BYTES;

    /** Whether the unembedding's gradient exists, i.e. it has been through a backward (see {@link #scoreForUpdate}). */
    private boolean headGradientMade;

    protected DecoderPolicy(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Bounds the logits {@link #score} and {@link #scoreForUpdate} hold at once (one chunk of positions × vocabulary,
     * at least one position): a smaller chunk lowers the peak, a larger one calls fewer, larger matrix products.
     */
    public void setLogitChunkBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("logit chunk must be at least 1 byte, got " + bytes);
        }
        this.logitChunkBytes = bytes;
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
        Drawer drawer = drawer(settings, new Random(seed));
        int rows = rowPrompts.size();
        try (NDScope callScope = new NDScope();
             KvCache cache = settings.useKvCache() ? new KvCache(layers()) : null) {
            callScope.suppressNotUsedWarning();
            // detached views: sampling records nothing on the tape, even inside a gradient collector
            Pass pass = pass(NDArray::stopGradient);
            long[] promptOfRow = new long[rows];
            for (int row = 0; row < rows; row++) {
                promptOfRow[row] = row / groupSize;
            }
            // each distinct prompt runs once; its logits (and, with a cache, its keys and values) serve its group
            NextTokenSampler.Draw[] draws = next(pass, BatchLayout.of(prompts, null, decoding.promptWidth), 0, cache,
                    promptOfRow, active(decoding, rows), drawer);
            if (cache != null && groupSize > 1) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    cache.selectRows(OwnedArrays.owned(manager.create(promptOfRow), DataType.INT64));
                    cache.commit();
                }
            }
            for (int step = 1; ; step++) {
                for (int row = 0; row < rows; row++) {
                    if (draws[row] != null) {
                        decoding.append(row, draws[row]);
                    }
                }
                if (decoding.allDone()) {
                    break;
                }
                BatchLayout layout = BatchLayout.of(rowPrompts, decoding.tails(step), decoding.promptWidth + step);
                draws = next(pass, layout, cache != null ? layout.width - 1 : 0, cache, null, active(decoding, rows),
                        drawer);
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

    /**
     * Vocabularies from this size up are sampled on the device ({@link DeviceSampler}), smaller ones on the host
     * ({@link NextTokenSampler}). Ours: at tiny-gpt's 97 ids a (B, V) copy to the host costs less than the device
     * sampler's dozen kernel launches; at Qwen's 151 665 it is 600 KB per row and token. Both draw the same tokens.
     */
    public static final int DEVICE_SAMPLING_VOCABULARY = 4096;

    /** Draws the next token of every active row from (B, V) logits over the tokenizer's ids. */
    private interface Drawer {
        NextTokenSampler.Draw[] draw(NDArray logits, boolean[] active);
    }

    private int deviceSamplingVocabulary = DEVICE_SAMPLING_VOCABULARY;

    /** Samples on the device from vocabularies of this many ids up (0: always; tests compare the two samplers). */
    public void setDeviceSamplingVocabulary(int ids) {
        this.deviceSamplingVocabulary = ids;
    }

    private Drawer drawer(SamplingSettings settings, Random random) {
        if (codec().vocabSize() >= deviceSamplingVocabulary) {
            return new DeviceSampler(settings.temperature(), settings.topP(), random)::draw;
        }
        NextTokenSampler host = new NextTokenSampler(settings.temperature(), settings.topP(), random);
        return (logits, active) -> {
            double[][] rows = toRows(logits);
            NextTokenSampler.Draw[] draws = new NextTokenSampler.Draw[rows.length];
            for (int row = 0; row < rows.length; row++) {
                if (active[row]) {
                    draws[row] = host.draw(rows[row]);
                }
            }
            return draws;
        };
    }

    private static boolean[] active(DecodedRows decoding, int rows) {
        boolean[] active = new boolean[rows];
        for (int row = 0; row < rows; row++) {
            active[row] = !decoding.done(row);
        }
        return active;
    }

    /**
     * The next draws after the layout's last column, feeding columns {@code from..} of it.
     *
     * @param rowsOfLogits null when the layout has a row per sampled row; else, per sampled row, its row in the layout
     */
    private NextTokenSampler.Draw[] next(Pass pass, BatchLayout layout, int from, KvCache cache, long[] rowsOfLogits,
                                         boolean[] active, Drawer drawer) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = pass.hidden(layout.tokens(manager, from), layout.positions(manager, from, contextLength()),
                    layout.mask(manager, from, dtype()), cache);
            NDArray logits = vocabulary(pass.logits(hidden.get(":, -1, :")));
            if (rowsOfLogits != null) {
                logits = logits.get(OwnedArrays.owned(manager.create(rowsOfLogits), DataType.INT64));
            }
            NextTokenSampler.Draw[] draws = drawer.draw(logits, active);
            if (cache != null) {
                cache.commit();
            }
            return draws;
        }
    }

    @Override
    public TokenScores score(NDManager target, List<int[]> prompts, List<int[]> completions) {
        return score(target, prompts, completions, 1.0);
    }

    /**
     * Log-probs and entropies of softmax(logits / T); T = 0 (greedy) and T = 1 score the untempered policy. Inside a
     * gradient collector the log-probs are on the tape (each chunk keeps its log-softmax there); the entropies never
     * are.
     */
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
                CompletionTokens tokens = completionTokens(pass, prompts, completions, rows);
                NDArray[] values = head(pass.unembedding(), temperature).values(tokens.hidden(), tokens.targets());
                logProbs = tokens.placed(values[0], mask);
                entropies = tokens.placed(values[1], mask);
            }
            NDScope.unregister(logProbs, entropies, mask);
        }
        handOver(target, logProbs, entropies, mask);
        return new TokenScores(logProbs, entropies, mask);
    }

    /**
     * Scores split at the log-probs: the trunk up to the hidden states on the tape, the unembedding and softmax off it
     * in chunks. The backward pushes g on with the exact gradients of Σ g log π with respect to the hidden states (G_h)
     * and the unembedding (G_W), computed off the tape ({@link ChunkedHead#gradients}), and backpropagates the
     * surrogate Σ_n h_n · G_h,n through the trunk. G_W goes straight into W's gradient: W is a leaf, so adding it there
     * is exactly what backpropagating Σ_v W_v · G_W,v would do, without the two vocabulary-sized temporaries autograd
     * would make on the way. Only W's first backward takes that route through the tape, because PyTorch makes a
     * parameter's gradient on its first backward and DJL cannot tell a missing one from zeros. W frozen (no gradient),
     * G_W is skipped. For a tied embedding, W's gradient also receives the input lookup's share from the tape.
     */
    @Override
    public DifferentiableScores scoreForUpdate(NDManager target, List<int[]> prompts, List<int[]> completions,
                                               double temperature) {
        Rows rows = checkRows(prompts, completions);
        if (rows.empty()) {
            return PolicyModel.super.scoreForUpdate(target, prompts, completions, temperature);
        }
        NDArray logProbs;
        NDArray entropies;
        NDArray logZ;
        NDArray mask;
        CompletionTokens tokens;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            mask = completionMask(completions, rows);
            Pass pass = pass(UnaryOperator.identity());
            tokens = completionTokens(pass, prompts, completions, rows);
            NDArray[] values = head(pass.unembedding().stopGradient(), temperature)
                    .values(tokens.hidden().stopGradient(), tokens.targets());
            logProbs = tokens.placed(values[0], mask);
            entropies = tokens.placed(values[1], mask);
            logZ = values[2];
            NDScope.unregister(logProbs, entropies, mask, logZ, tokens.hidden(), tokens.targets(), tokens.positions());
        }
        handOver(target, logProbs, entropies, mask, logZ, tokens.hidden(), tokens.targets(), tokens.positions());
        TokenScores values = new TokenScores(logProbs, entropies, mask);
        return new DifferentiableScores() {
            @Override
            public TokenScores values() {
                return values;
            }

            @Override
            public void backward(GradientCollector tape, NDArray dLossByLogProbs) {
                DecoderPolicy.this.backward(tape, tokens, logZ, dLossByLogProbs, temperature);
            }
        };
    }

    private void backward(GradientCollector tape, CompletionTokens tokens, NDArray logZ, NDArray dLossByLogProbs,
                          double temperature) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray unembedding = pass(UnaryOperator.identity()).unembedding();
            // a parameter that is trained has a gradient; a frozen one (or a detached view of it) has none
            boolean trainedHead = unembedding.hasGradient();
            boolean direct = trainedHead && headGradientMade;
            NDArray w = vocabulary(unembedding, 0);
            NDArray byW = !trainedHead ? null
                    : direct ? vocabulary(unembedding.getGradient(), 0) : w.stopGradient().zerosLike();
            NDArray g = dLossByLogProbs.stopGradient().reshape(-1).get(tokens.positions());
            NDArray byHidden = new ChunkedHead(w.stopGradient(), temperature, logitChunkBytes)
                    .gradients(tokens.hidden().stopGradient(), tokens.targets(), g, logZ, byW);
            NDArray surrogate = tokens.hidden().mul(byHidden).sum();
            if (trainedHead && !direct) {
                surrogate = surrogate.add(w.mul(byW).sum());
            }
            tape.backward(surrogate);
            headGradientMade |= trainedHead;
        }
    }

    /**
     * The same forward as {@link #score}, on detached weights: at completion position t the hidden state entering the
     * unembedding and the distribution that predicts token t, in factored form (the unembedding over the tokenizer's
     * ids and each position's log-normaliser, taken a chunk at a time): a step's (B, T, V) probabilities are never
     * made, and THR reads them only at its group's vocabulary. Padding positions are zero in the hidden states,
     * log-normalisers and mask.
     */
    @Override
    public Optional<TokenFeatures> features(NDManager target, List<int[]> prompts, List<int[]> completions) {
        Rows rows = checkRows(prompts, completions);
        NDArray hidden;
        NDArray logZ;
        NDArray unembedding;
        NDArray mask;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            mask = completionMask(completions, rows);
            Pass pass = pass(NDArray::stopGradient);
            // a detached view sharing the parameter's storage: closing it frees nothing of the model's
            unembedding = vocabulary(pass.unembedding(), 0);
            if (rows.empty()) {
                hidden = manager.zeros(new Shape(rows.count(), rows.steps(), hiddenSize()), dtype());
                logZ = mask.zerosLike();
            } else {
                NDArray h = completionHidden(pass, prompts, completions, rows);
                long d = h.getShape().get(2);
                NDArray flat = head(unembedding, 1.0).logNormalizers(h.reshape(-1, d));
                logZ = flat.reshape(rows.count(), rows.steps()).mul(mask);
                hidden = h.mul(mask.expandDims(-1));
            }
            NDScope.unregister(hidden, logZ, unembedding, mask);
        }
        handOver(target, hidden, logZ, unembedding, mask);
        return Optional.of(TokenFeatures.factored(hidden, unembedding, logZ, mask));
    }

    /** The first {@code codec().vocabSize()} logits of the last axis. */
    private NDArray vocabulary(NDArray logits) {
        return vocabulary(logits, logits.getShape().dimension() - 1);
    }

    /** The first {@code codec().vocabSize()} entries of {@code axis} (0: the unembedding's rows). */
    private NDArray vocabulary(NDArray a, int axis) {
        long v = a.getShape().get(axis);
        int ids = codec().vocabSize();
        if (v == ids) {
            return a;
        }
        return axis == 0 ? a.get(new NDIndex(":{}", ids)) : a.get(new NDIndex("..., :{}", ids));
    }

    /** The unembedding over the tokenizer's ids, taken a chunk at a time. */
    private ChunkedHead head(NDArray unembedding, double temperature) {
        return new ChunkedHead(vocabulary(unembedding, 0), temperature, logitChunkBytes);
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

    /**
     * The completion tokens of a batch, flattened: N = Σ completion lengths.
     *
     * @param hidden    (N, D): the hidden state that predicts each token, on the tape when the pass is
     * @param targets   (N, 1) int64: the tokens
     * @param positions (N) int64: each token's index in the (B, T) layout, row-major
     */
    private record CompletionTokens(NDArray hidden, NDArray targets, NDArray positions) {

        /** Per-token values (N) laid out (B, T) like {@code mask}, zero at padding. */
        NDArray placed(NDArray values, NDArray mask) {
            return mask.zerosLike().reshape(-1).scatter(positions, values, 0).reshape(mask.getShape());
        }
    }

    private CompletionTokens completionTokens(Pass pass, List<int[]> prompts, List<int[]> completions, Rows rows) {
        int n = completions.stream().mapToInt(c -> c.length).sum();
        long[] positions = new long[n];
        long[] targets = new long[n];
        int k = 0;
        for (int r = 0; r < rows.count(); r++) {
            int[] c = completions.get(r);
            for (int t = 0; t < c.length; t++) {
                positions[k] = (long) r * rows.steps() + t;
                targets[k++] = c[t];
            }
        }
        NDArray at = OwnedArrays.owned(manager.create(positions), DataType.INT64);
        NDArray hidden = completionHidden(pass, prompts, completions, rows);
        hidden = hidden.reshape(-1, hidden.getShape().get(2)).get(at);
        return new CompletionTokens(hidden, OwnedArrays.owned(manager.create(targets, new Shape(n, 1)), DataType.INT64),
                at);
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
