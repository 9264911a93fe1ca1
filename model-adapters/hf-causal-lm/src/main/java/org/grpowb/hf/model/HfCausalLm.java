package org.grpowb.hf.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.SamplingSettings;
import org.grpowb.api.TokenCodec;
import org.grpowb.api.TokenFeatures;
import org.grpowb.api.TokenScores;
import org.grpowb.decoding.BatchLayout;
import org.grpowb.decoding.DecodedRows;
import org.grpowb.decoding.KvCache;
import org.grpowb.decoding.NextTokenSampler;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.config.RopeFrequencies;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.safetensors.SafetensorsWriter;

/**
 * A Llama-family decoder (Llama 3.x, Qwen2/2.5, SmolLM2, Mistral) opened from a Hugging Face model folder and trained
 * in full fine-tuning: every weight of the checkpoint is a parameter, computed in float32 (DJL's PyTorch engine holds
 * no bf16, so bf16 and fp16 weights are widened as they load).
 *
 * <p>The unembedding's rows beyond the tokenizer's size (Qwen pads its vocabulary to a multiple of 128) are never
 * sampled and never enter a log-prob, entropy or THR: every distribution here is a softmax over the tokenizer's ids
 * only, so the sampler's π_old and the scorer's π_θ are the same distribution.
 *
 * <p>Saving writes the folder back in transformers' layout — {@code config.json} and the tokenizer files copied from
 * the source folder, the weights as {@code model.safetensors} in the dtype the source checkpoint was stored in — so
 * that {@code from_pretrained} loads a trained checkpoint unchanged.
 */
public final class HfCausalLm implements PolicyModel {

    /** Beside saved weights: the context this policy was opened with, so that a checkpoint reopens alike. */
    public static final String CONTEXT_FILE = "grpowb-context.txt";

    /** Files of a model folder that saving carries over unchanged. */
    static final List<String> CARRIED_FILES = List.of(HfConfigReader.FILE_NAME, "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja");

    private final HfConfig config;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> parameters;
    private final TokenCodec codec;
    private final Path source;
    private final Dtype storedAs;
    private final int context;
    private final RotaryTable rotary;
    private final DecoderForward forward;

    private HfCausalLm(HfConfig config, NDManager manager, LinkedHashMap<String, NDArray> parameters, TokenCodec codec,
                       Path source, Dtype storedAs, int context) {
        if (codec.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException(source + ": the tokenizer has " + codec.vocabSize()
                    + " ids but the embedding only " + config.vocabSize() + " rows");
        }
        this.config = config;
        this.manager = manager;
        this.parameters = parameters;
        this.codec = codec;
        this.source = source;
        this.storedAs = storedAs;
        this.context = context;
        this.rotary = new RotaryTable(manager, RopeFrequencies.of(config), context, DataType.FLOAT32);
        this.forward = new DecoderForward(config, rotary);
    }

    /**
     * Opens a model folder: its config, checked against the weights' names and shapes before anything is allocated,
     * then the weights as float32 parameters with gradients.
     *
     * @param context the longest prompt + completion this policy will attend over (at most the model's maximum)
     * @throws IOException naming the file and the tensor or field at fault
     */
    public static HfCausalLm open(NDManager parent, Path folder, TokenCodec codec, int context) throws IOException {
        HfConfig config = HfConfigReader.read(folder);
        if (context < 2 || context > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(folder + ": context " + context + " must be in [2, "
                    + config.maxPositionEmbeddings() + "] (max_position_embeddings)");
        }
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(folder)) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (String name : weights.names()) {
                shapes.put(name, weights.info(name).shape());
            }
            ExpectedWeights expected = ExpectedWeights.of(config);
            expected.verify(shapes, folder.toString());
            NDManager own = parent.newSubManager();
            try {
                LinkedHashMap<String, NDArray> parameters = new LinkedHashMap<>();
                for (ExpectedWeights.Tensor tensor : expected.tensors()) {
                    String name = tensor.name();
                    NDArray p = OwnedArrays.owned(own.create(weights.readFloats(name), new Shape(shapes.get(name))),
                            DataType.FLOAT32);
                    p.setName(name);
                    p.setRequiresGradient(true);
                    parameters.put(name, p);
                }
                return new HfCausalLm(config, own, parameters, codec, folder, weights.dtype(), context);
            } catch (IOException | RuntimeException e) {
                own.close();
                throw e;
            }
        }
    }

    public HfConfig config() {
        return config;
    }

    @Override
    public TokenCodec codec() {
        return codec;
    }

    @Override
    public int contextLength() {
        return context;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    /**
     * Samples in one batch of B = prompts × G rows, prompts prefilled once and shared by their group through the key/value
     * cache; rows stop at any of the tokenizer's stop ids, at {@code maxNewTokens}, or at the context. Draws come from one
     * {@link Random}{@code (seed)} in row order.
     */
    @Override
    public List<List<SampledCompletion>> sample(List<int[]> prompts, int groupSize, SamplingSettings settings, long seed) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        for (int i = 0; i < prompts.size(); i++) {
            checkTokens(prompts.get(i), "prompt " + i);
            if (prompts.get(i).length == 0 || prompts.get(i).length >= context) {
                throw new IllegalArgumentException("prompt " + i + " has " + prompts.get(i).length
                        + " tokens; it must be non-empty and leave room in the context of " + context);
            }
        }
        List<int[]> rowPrompts = new ArrayList<>(prompts.size() * groupSize);
        for (int[] prompt : prompts) {
            for (int g = 0; g < groupSize; g++) {
                rowPrompts.add(prompt);
            }
        }
        DecodedRows decoding = new DecodedRows(rowPrompts, settings.maxNewTokens(), context,
                new HashSet<>(codec.stopIds()));
        NextTokenSampler sampler = new NextTokenSampler(settings.temperature(), settings.topP(), new Random(seed));
        try (NDScope callScope = new NDScope();
             KvCache cache = settings.useKvCache() ? new KvCache(config.layers()) : null) {
            callScope.suppressNotUsedWarning();
            DecoderForward.Weights weights = new DecoderForward.Weights(parameters, NDArray::stopGradient);
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
                BatchLayout layout = BatchLayout.of(rowPrompts, decoding.tails(step), decoding.promptWidth + step);
                logits = lastLogits(weights, layout, cache != null ? layout.width - 1 : 0, cache);
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
    private double[][] prefill(DecoderForward.Weights w, List<int[]> prompts, int promptWidth, int groupSize,
                               KvCache cache) {
        BatchLayout layout = BatchLayout.of(prompts, null, promptWidth);
        double[][] perPrompt = lastLogits(w, layout, 0, cache);
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

    /** Logits after the layout's last column over the tokenizer's ids, from column {@code from} on. */
    private double[][] lastLogits(DecoderForward.Weights w, BatchLayout layout, int from, KvCache cache) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = forward.hidden(w, layout.tokens(manager, from), layout.positions(manager, from, context),
                    layout.mask(manager, from, DataType.FLOAT32), cache);
            double[][] rows = toRows(vocabulary(forward.logits(w, hidden.get(":, -1, :"))));
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

    /** Log-probs and entropies of softmax(logits / T) over the tokenizer's ids; T = 0 scores the untempered policy. */
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
                DecoderForward.Weights w = new DecoderForward.Weights(parameters, p -> p);
                NDArray logits = vocabulary(forward.logits(w, completionHidden(w, prompts, completions, rows)));
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

    /** The hidden state entering the unembedding and the next-token distribution (over the tokenizer's ids). */
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
                hidden = manager.zeros(new Shape(rows.count(), rows.steps(), config.hiddenSize()));
                probs = manager.zeros(new Shape(rows.count(), rows.steps(), codec.vocabSize()));
            } else {
                DecoderForward.Weights w = new DecoderForward.Weights(parameters, NDArray::stopGradient);
                NDArray h = completionHidden(w, prompts, completions, rows);
                NDArray present = mask.expandDims(-1);
                probs = vocabulary(forward.logits(w, h)).softmax(-1).mul(present);
                hidden = h.mul(present);
            }
            NDScope.unregister(hidden, probs, mask);
        }
        handOver(target, hidden, probs, mask);
        return Optional.of(new TokenFeatures(hidden, probs, mask));
    }

    /** The first {@code codec.vocabSize()} logits of the last axis: padding rows of the embedding never count. */
    private NDArray vocabulary(NDArray logits) {
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        return v == codec.vocabSize() ? logits : logits.get(new NDIndex("..., :{}", codec.vocabSize()));
    }

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
            checkTokens(prompts.get(r), "prompt " + r);
            checkTokens(completions.get(r), "completion " + r);
            if (prompts.get(r).length == 0) {
                throw new IllegalArgumentException("prompt " + r + " is empty: the first token needs something to follow");
            }
            int total = prompts.get(r).length + completions.get(r).length;
            if (total > context) {
                throw new IllegalArgumentException("row " + r + ": prompt + completion is " + total
                        + " tokens, longer than the context of " + context);
            }
            promptWidth = Math.max(promptWidth, prompts.get(r).length);
            steps = Math.max(steps, completions.get(r).length);
        }
        return new Rows(prompts.size(), promptWidth, steps);
    }

    private void checkTokens(int[] ids, String what) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= codec.vocabSize()) {
                throw new IllegalArgumentException(what + ": token " + ids[i] + " at index " + i
                        + " is outside the tokenizer's vocabulary [0, " + codec.vocabSize() + ")");
            }
        }
    }

    /** (B, T): 1 where a completion token exists. */
    private NDArray completionMask(List<int[]> completions, Rows rows) {
        float[] present = new float[rows.count() * rows.steps()];
        for (int r = 0; r < rows.count(); r++) {
            Arrays.fill(present, r * rows.steps(), r * rows.steps() + completions.get(r).length, 1f);
        }
        return OwnedArrays.owned(manager.create(present, new Shape(rows.count(), rows.steps())), DataType.FLOAT32);
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

    /** (B, T, hidden): the state after the final RMSNorm that predicts each completion token. */
    private NDArray completionHidden(DecoderForward.Weights w, List<int[]> prompts, List<int[]> completions, Rows rows) {
        // the last completion token is never an input, so the layout stops one column short of it
        BatchLayout layout = BatchLayout.of(prompts, completions, rows.promptWidth() + rows.steps() - 1);
        NDArray hidden = forward.hidden(w, layout.tokens(manager, 0), layout.positions(manager, 0, context),
                layout.mask(manager, 0, DataType.FLOAT32), null);
        return hidden.get(new NDIndex(":, {}:, :", rows.promptWidth() - 1));
    }

    /** Moves a call's results to the caller's manager, as if made in the caller's scope, if it has one. */
    private static void handOver(NDManager target, NDArray... results) {
        for (NDArray a : results) {
            a.attach(target);
            NDScope.register(a);
        }
    }

    /** (B, V) → B rows of V doubles on the host. */
    private static double[][] toRows(NDArray logits) {
        int rows = Math.toIntExact(logits.getShape().get(0));
        int v = Math.toIntExact(logits.getShape().get(1));
        float[] flat = logits.toFloatArray();
        double[][] out = new double[rows][v];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < v; i++) {
                out[r][i] = flat[r * v + i];
            }
        }
        return out;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public HfCausalLm copy() {
        NDManager own = manager.getParentManager().newSubManager();
        LinkedHashMap<String, NDArray> copies = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray c = e.getValue().stopGradient().duplicate();
            c.attach(own);
            c.setName(e.getKey());
            copies.put(e.getKey(), c);
        }
        return new HfCausalLm(config, own, copies, codec, source, storedAs, context);
    }

    /**
     * Writes the folder transformers reads: the source's config and tokenizer files, and {@code model.safetensors} in
     * the dtype the source was stored in (bf16 stays bf16, rounded to nearest even as PyTorch casts).
     */
    @Override
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String file : CARRIED_FILES) {
            Path from = source.resolve(file);
            if (Files.isRegularFile(from) && !from.equals(dir.resolve(file))) {
                Files.copy(from, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            tensors.add(new SafetensorsWriter.Tensor(e.getKey(), p.getShape().getShape(),
                    () -> p.stopGradient().toFloatArray()));
        }
        new SafetensorsWriter(storedAs, SafetensorsWriter.PT_METADATA).write(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE),
                tensors);
        Files.writeString(dir.resolve(CONTEXT_FILE), Integer.toString(context));
    }

    /** Copies the weights of a saved folder of the same architecture into this model's parameters, in place. */
    @Override
    public void load(Path dir) throws IOException {
        HfConfig saved = HfConfigReader.read(dir);
        if (!saved.equals(config)) {
            throw new IOException(dir + ": the saved model's config differs from this one's");
        }
        try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(dir)) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (String name : weights.names()) {
                shapes.put(name, weights.info(name).shape());
            }
            ExpectedWeights.of(config).verify(shapes, dir.toString());
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                // through the heap: set(Buffer) on a CPU array would adopt a direct buffer as its storage
                e.getValue().set(weights.readFloats(e.getKey()));
            }
        }
    }

    @Override
    public String describe() {
        long count = 0;
        for (NDArray p : parameters.values()) {
            count += p.size();
        }
        return "hf-causal-lm " + config.modelType() + " " + config.layers() + "x" + config.hiddenSize() + ", "
                + config.heads() + "/" + config.kvHeads() + " heads, ctx " + context + ", "
                + String.format("%.1fM params", count / 1e6) + ", float32, " + device();
    }

    @Override
    public void close() {
        manager.close();
    }
}
