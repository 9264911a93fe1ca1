package org.grpowb.tinygpt;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.TokenCodec;
import org.grpowb.api.TokenFeatures;
import org.grpowb.api.TokenScores;
import org.grpowb.decoding.KvCache;
import org.grpowb.api.OwnedArrays;
import org.grpowb.decoding.BatchLayout;
import org.grpowb.decoding.DecodedRows;
import org.grpowb.decoding.NextTokenSampler;

/**
 * A character-level GPT-2-style policy (see {@link Transformer} for the maths, {@link BatchLayout} for how rows of
 * different lengths share a batch). By default the unembedding is tied to the token embedding, as in GPT-2: fewer
 * parameters, and with a 97-symbol vocabulary a separate output matrix buys nothing for training. {@code tied: false}
 * adds one ({@code lm_head}) for learning-dynamics experiments that move the last layer alone.
 *
 * <p>Parameters live in a sub-manager of the manager the model was made with, on that manager's device; closing the
 * model frees them. Every other array a call creates is freed before it returns (an {@link NDScope} per call, one per
 * decoding step), except the results of {@link #score} and {@link #features}, which move to the caller's manager.
 */
public final class TinyGpt implements PolicyModel {

    private final TinyGptConfig config;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> parameters;
    private final Transformer transformer;

    private TinyGpt(TinyGptConfig config, NDManager manager, LinkedHashMap<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = parameters;
        this.transformer = new Transformer(config);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDScope.unregister(p); // parameters outlive any scope the caller happens to have open
            p.setName(e.getKey());
            p.setRequiresGradient(true);
        }
    }

    /**
     * A freshly initialised model. Weights are drawn in Java from one {@link Random} in parameter order, so a seed
     * gives the same weights on every machine and device: N(0, σ) for embeddings and input projections, N(0, σ/√(2L))
     * for the two projections that write into the residual stream (GPT-2's scaling), zero biases, unit LayerNorm gains.
     */
    public static TinyGpt initialise(NDManager parent, TinyGptConfig config, long seed) {
        NDManager own = parent.newSubManager();
        Random random = new Random(seed);
        double residualStd = config.initStd() / Math.sqrt(2.0 * config.layers());
        LinkedHashMap<String, NDArray> parameters = new LinkedHashMap<>();
        for (TinyGptConfig.ParameterSpec spec : config.parameterSpecs()) {
            double[] values = new double[Math.toIntExact(spec.shape().size())];
            switch (spec.init()) {
                case ONES -> Arrays.fill(values, 1.0);
                case ZEROS -> Arrays.fill(values, 0.0);
                case NORMAL -> fillNormal(values, random, config.initStd());
                case RESIDUAL_NORMAL -> fillNormal(values, random, residualStd);
                default -> throw new IllegalStateException(spec.init().toString());
            }
            parameters.put(spec.name(), create(own, values, spec.shape(), config.dtype()));
        }
        return new TinyGpt(config, own, parameters);
    }

    /** A model restored from a directory written by {@link #save}, with its saved architecture. */
    public static TinyGpt restore(NDManager parent, Path dir) throws IOException {
        NDManager own = parent.newSubManager();
        try {
            Checkpoint.Saved saved = Checkpoint.read(own, dir);
            LinkedHashMap<String, NDArray> parameters = new LinkedHashMap<>();
            for (NDArray a : saved.weights()) {
                // decoded arrays live in Java direct buffers; PyTorch-owned copies keep storage and alignment the same
                // from run to run (see OwnedArrays)
                NDArray owned = OwnedArrays.owned(a, a.getDataType());
                owned.setName(a.getName());
                parameters.put(owned.getName(), owned);
            }
            return new TinyGpt(saved.config(), own, parameters);
        } catch (IOException | RuntimeException e) {
            own.close();
            throw e;
        }
    }

    public TinyGptConfig config() {
        return config;
    }

    @Override
    public TokenCodec codec() {
        return CharCodec.INSTANCE;
    }

    @Override
    public int contextLength() {
        return config.context();
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    /**
     * Samples in one batch of B = prompts × G rows. The prompts are run once (prefill); with the cache each later step
     * feeds only the newest token of every row, without it each step reruns the whole prefix. Rows stop at EOS
     * (kept as the last token), at {@code maxNewTokens}, or when prompt + completion fills the context (both
     * {@code truncated}); the batch stops when every row has. Draws come from one {@link Random}{@code (seed)} in row
     * order, so the result depends only on the seed, the weights and the inputs.
     */
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
        DecodedRows decoding = new DecodedRows(rowPrompts, settings.maxNewTokens(), config.context(), java.util.Set.of(CharCodec.EOS));
        NextTokenSampler sampler = new NextTokenSampler(settings.temperature(), settings.topP(), new Random(seed));
        try (NDScope callScope = new NDScope();
             KvCache cache = settings.useKvCache() ? new KvCache(config.layers()) : null) {
            callScope.suppressNotUsedWarning();
            // detached views: sampling records nothing on the tape, even inside a gradient collector
            Transformer.Weights weights = Transformer.Weights.of(parameters, NDArray::stopGradient, config.layers());
            double[][] logits = prefill(weights, prompts, decoding.promptWidth, groupSize, cache);
            for (int step = 1; ; step++) {
                for (int row = 0; row < logits.length; row++) {
                    if (!decoding.done(row)) {
                        decoding.append(row, sampler.draw(logits[row]));
                    }
                }
                if (decoding.allDone()) {
                    break;
                }
                logits = nextLogits(weights, BatchLayout.of(rowPrompts, decoding.tails(step), decoding.promptWidth + step), cache);
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

    /** Runs each distinct prompt once; with a cache, every row of a group then starts from its prompt's keys and values. */
    private double[][] prefill(Transformer.Weights w, List<int[]> prompts, int promptWidth, int groupSize, KvCache cache) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            BatchLayout layout = BatchLayout.of(prompts, null, promptWidth);
            NDArray hidden = transformer.hidden(w, layout.tokens(manager, 0),
                    layout.positions(manager, 0, config.context()), layout.mask(manager, 0, config.dtype()), cache);
            double[][] perPrompt = toRows(transformer.logits(w, hidden.get(":, -1, :")));
            long[] promptOfRow = new long[prompts.size() * groupSize];
            double[][] perRow = new double[promptOfRow.length][];
            for (int row = 0; row < perRow.length; row++) {
                promptOfRow[row] = row / groupSize;
                perRow[row] = perPrompt[row / groupSize];
            }
            if (cache != null) {
                if (groupSize > 1) {
                    cache.selectRows(OwnedArrays.owned(manager.create(promptOfRow), DataType.INT64));
                }
                cache.commit();
            }
            return perRow;
        }
    }

    /** Logits after the last column: from the newest token alone with a cache, from the whole layout without. */
    private double[][] nextLogits(Transformer.Weights w, BatchLayout layout, KvCache cache) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int from = cache != null ? layout.width - 1 : 0;
            NDArray hidden = transformer.hidden(w, layout.tokens(manager, from),
                    layout.positions(manager, from, config.context()), layout.mask(manager, from, config.dtype()), cache);
            double[][] logits = toRows(transformer.logits(w, hidden.get(":, -1, :")));
            if (cache != null) {
                cache.commit();
            }
            return logits;
        }
    }

    /**
     * One batched forward over [prompt][completion] rows: the hidden state of column P − 1 + t predicts completion
     * token t, where P is the longest prompt (prompts are left-padded to end together).
     */
    @Override
    public TokenScores score(NDManager target, List<int[]> prompts, List<int[]> completions) {
        return score(target, prompts, completions, 1.0);
    }

    /**
     * {@link #score(NDManager, List, List)} of softmax(logits / T), the distribution the sampler drew from at
     * temperature T (T = 0, greedy, scores the untempered one). The 1/T factor is a PyTorch-owned scalar: it sits on
     * the gradient tape.
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
                Transformer.Weights w = Transformer.Weights.of(parameters, p -> p, config.layers());
                NDArray logits = transformer.logits(w, completionHidden(w, prompts, completions, rows));
                if (temperature != 0 && temperature != 1) {
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
     * The same forward as {@link #score}, on detached weights (nothing is recorded, even inside a gradient collector):
     * at completion position t, the hidden state after the final LayerNorm — the input of the unembedding — and
     * softmax(h_t · Wᵀ), the distribution that predicts completion token t. Padding positions are zero in all three
     * arrays.
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
                hidden = manager.zeros(new Shape(rows.count(), rows.steps(), config.width()), config.dtype());
                probs = manager.zeros(new Shape(rows.count(), rows.steps(), config.vocabSize()), config.dtype());
            } else {
                Transformer.Weights w = Transformer.Weights.of(parameters, NDArray::stopGradient, config.layers());
                NDArray h = completionHidden(w, prompts, completions, rows);
                NDArray present = mask.expandDims(-1);
                probs = transformer.logits(w, h).softmax(-1).mul(present);
                hidden = h.mul(present);
            }
            NDScope.unregister(hidden, probs, mask);
        }
        handOver(target, hidden, probs, mask);
        return Optional.of(new TokenFeatures(hidden, probs, mask));
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
            if (total > config.context()) {
                throw new IllegalArgumentException("row " + r + ": prompt + completion is " + total
                        + " tokens, longer than the context of " + config.context());
            }
            promptWidth = Math.max(promptWidth, prompts.get(r).length);
            steps = Math.max(steps, completions.get(r).length);
        }
        return new Rows(prompts.size(), promptWidth, steps);
    }

    /** (B, T): 1 where a completion token exists. */
    private NDArray completionMask(List<int[]> completions, Rows rows) {
        double[] present = new double[rows.count() * rows.steps()];
        for (int r = 0; r < rows.count(); r++) {
            Arrays.fill(present, r * rows.steps(), r * rows.steps() + completions.get(r).length, 1);
        }
        return create(manager, present, new Shape(rows.count(), rows.steps()), config.dtype());
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

    /** (B, T, D): the hidden state after the final LayerNorm that predicts each completion token. */
    private NDArray completionHidden(Transformer.Weights w, List<int[]> prompts, List<int[]> completions, Rows rows) {
        // the last completion token is never an input, so the layout stops one column short of it
        BatchLayout layout = BatchLayout.of(prompts, completions, rows.promptWidth() + rows.steps() - 1);
        NDArray hidden = transformer.hidden(w, layout.tokens(manager, 0),
                layout.positions(manager, 0, config.context()), layout.mask(manager, 0, config.dtype()), null);
        return hidden.get(new NDIndex(":, {}:, :", rows.promptWidth() - 1));
    }

    /** Moves a call's results to the caller's manager, as if made in the caller's scope, if it has one. */
    private static void handOver(NDManager target, NDArray... results) {
        for (NDArray a : results) {
            a.attach(target);
            NDScope.register(a);
        }
    }

    /** The parameters in their fixed order (see {@link TinyGptConfig#parameterSpecs()}); unmodifiable. */
    @Override
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public TinyGpt copy() {
        NDManager own = manager.getParentManager().newSubManager();
        LinkedHashMap<String, NDArray> copies = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray c = e.getValue().stopGradient().duplicate();
                c.attach(own);
                NDScope.unregister(c);
                copies.put(e.getKey(), c);
            }
        }
        return new TinyGpt(config, own, copies);
    }

    @Override
    public void save(Path dir) throws IOException {
        Checkpoint.write(dir, config, parameters);
    }

    /**
     * Copies saved weights into this model's parameter arrays in place, so references held elsewhere (an optimiser's
     * state, a view) stay valid.
     *
     * @throws IOException naming the path when nothing is saved there or its architecture differs from this model's
     */
    @Override
    public void load(Path dir) throws IOException {
        try (NDManager scratch = manager.newSubManager()) {
            Checkpoint.Saved saved = Checkpoint.read(scratch, dir);
            if (!saved.config().sameArchitecture(config)) {
                throw new IOException(dir + ": saved model is " + saved.config().summary() + ", this one is "
                        + config.summary());
            }
            NDList weights = saved.weights();
            int i = 0;
            for (NDArray p : parameters.values()) {
                // copied through the heap on purpose: set(Buffer) on a CPU array adopts a direct buffer as its storage,
                // so handing it the loaded array's own memory would leave it pointing at freed memory after close
                NDArray source = weights.get(i++);
                if (config.dtype() == DataType.FLOAT64) {
                    p.set(source.toDoubleArray());
                } else {
                    p.set(source.toFloatArray());
                }
            }
        }
    }

    /** E.g. {@code tiny-gpt 2x64, 4 heads, ctx 32, 0.1M params, float32, cpu()}. */
    @Override
    public String describe() {
        return config.summary() + ", " + device();
    }

    @Override
    public void close() {
        manager.close();
    }

    private void checkPrompt(int[] prompt, int index, int reserve) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt " + index + " is empty: the first token needs something to follow");
        }
        if (prompt.length + reserve > config.context()) {
            throw new IllegalArgumentException("prompt " + index + " has " + prompt.length + " tokens; the context of "
                    + config.context() + " leaves no room for a completion");
        }
        checkTokens(prompt, "prompt " + index);
    }

    private static void checkTokens(int[] ids, String what) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= CharCodec.VOCAB_SIZE) {
                throw new IllegalArgumentException(what + ": token " + ids[i] + " at index " + i
                        + " is outside the vocabulary [0, " + CharCodec.VOCAB_SIZE + ")");
            }
        }
    }

    private static void fillNormal(double[] values, Random random, double std) {
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * std;
        }
    }

    private static NDArray create(NDManager m, double[] values, Shape shape, DataType dtype) {
        if (dtype == DataType.FLOAT64) {
            return OwnedArrays.owned(m.create(values, shape), DataType.FLOAT64);
        }
        float[] single = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            single[i] = (float) values[i];
        }
        return OwnedArrays.owned(m.create(single, shape), DataType.FLOAT32);
    }

    /** (B, V) on the device → B rows of V doubles on the host. */
    private static double[][] toRows(NDArray logits) {
        int rows = Math.toIntExact(logits.getShape().get(0));
        int v = Math.toIntExact(logits.getShape().get(1));
        double[] flat;
        if (logits.getDataType() == DataType.FLOAT64) {
            flat = logits.toDoubleArray();
        } else {
            float[] single = logits.toFloatArray();
            flat = new double[single.length];
            for (int i = 0; i < single.length; i++) {
                flat[i] = single[i];
            }
        }
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * v, (r + 1) * v);
        }
        return out;
    }
}
