package org.grpowb.hf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.TokenCodec;
import org.grpowb.decoding.DecoderPolicy;
import org.grpowb.decoding.KvCache;
import org.grpowb.hf.ModelFolder;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.config.RopeFrequencies;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.safetensors.SafetensorsWriter;
import org.grpowb.hf.text.PromptFormat;

/**
 * A Llama-family decoder (Llama 3.x, Qwen2/2.5, SmolLM2, Mistral) opened from a Hugging Face model folder, computed in
 * float32 (DJL's PyTorch engine holds no bf16, so bf16 and fp16 weights are widened as they load), and trained either
 * in full fine-tuning (every weight of the checkpoint is a parameter) or with LoRA ({@link LoraAdapters}: the
 * checkpoint's weights frozen, only the adapters trained, and the reference policy is the same weights with the
 * adapters switched off, as TRL computes π_ref for a PEFT model, so no second copy of the model is held).
 *
 * <p>Sampling, scoring and features are {@link DecoderPolicy}'s: the unembedding's rows beyond the tokenizer's size (Qwen
 * pads its vocabulary to a multiple of 128) are never sampled and never enter a log-prob, entropy or THR.
 *
 * <p>Saving writes the folder back in transformers' layout — {@code config.json} and the tokenizer files copied from
 * the source folder, the weights as {@code model.safetensors} in the dtype the source checkpoint was stored in — so
 * that {@code from_pretrained} loads a trained checkpoint unchanged. A LoRA policy saves PEFT's adapter folder instead
 * ({@link AdapterFolder}), naming its base folder, with the tokenizer files; {@link #saveMerged} writes the whole model
 * with the adapters merged into its weights.
 */
public final class HfCausalLm extends DecoderPolicy {

    /**
     * Beside saved weights: how this policy was opened (its context, prompt format and system prompt; for LoRA the
     * adapters' settings and the base folder, as in {@code adapter_config.json}), so that a checkpoint reopens alike.
     * transformers and PEFT ignore the file.
     */
    public static final String POLICY_FILE = "grpowb-policy.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * How a policy is given its prompts, saved with its checkpoints.
     *
     * @param context          the longest prompt + completion it attends over (at most the model's maximum)
     * @param promptFormat     how an example's prompt becomes the text to encode
     * @param promptFormatName its name in the project ({@code chat} or {@code raw})
     * @param systemPrompt     the system turn of {@code chat}, or null for none
     */
    public record Prompting(int context, PromptFormat promptFormat, String promptFormatName, String systemPrompt) {
    }

    /** Files of a model folder that saving carries over unchanged. */
    static final List<String> CARRIED_FILES = List.of(HfConfigReader.FILE_NAME, "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja");

    private final HfConfig config;
    /** The checkpoint's weights by transformers' names: the parameters in full fine-tuning, frozen under LoRA. */
    private final LinkedHashMap<String, NDArray> weights;
    /** The adapters, or null: full fine-tuning, or the reference view of a LoRA policy. */
    private final LoraAdapters lora;
    /** Whether {@link #weights} are the parameters (full fine-tuning). */
    private final boolean trainsWeights;
    private final NDManager parent;
    private final TokenCodec codec;
    private final Path source;
    private final Dtype storedAs;
    private final Prompting prompting;
    private final RotaryTable rotary;
    private final DecoderForward forward;

    private HfCausalLm(HfConfig config, NDManager parent, NDManager manager, LinkedHashMap<String, NDArray> weights,
                       LoraAdapters lora, boolean trainsWeights, TokenCodec codec, Path source, Dtype storedAs,
                       Prompting prompting) {
        super(manager);
        if (codec.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException(source + ": the tokenizer has " + codec.vocabSize()
                    + " ids but the embedding only " + config.vocabSize() + " rows");
        }
        this.config = config;
        this.parent = parent;
        this.weights = weights;
        this.lora = lora;
        this.trainsWeights = trainsWeights;
        this.codec = codec;
        this.source = source;
        this.storedAs = storedAs;
        this.prompting = prompting;
        this.rotary = new RotaryTable(manager, RopeFrequencies.of(config), prompting.context(), DataType.FLOAT32);
        this.forward = new DecoderForward(config, rotary);
    }

    /**
     * Opens a model folder for full fine-tuning, with no system prompt.
     *
     * @param context          the longest prompt + completion this policy will attend over (at most the model's maximum)
     * @param promptFormat     how an example's prompt becomes the text to encode
     * @param promptFormatName its name in the project ({@code chat} or {@code raw}), saved with checkpoints
     * @throws IOException naming the file and the tensor or field at fault
     */
    public static HfCausalLm open(NDManager parent, Path folder, TokenCodec codec, int context,
                                  PromptFormat promptFormat, String promptFormatName) throws IOException {
        return open(parent, folder, codec, new Prompting(context, promptFormat, promptFormatName, null), null, 0);
    }

    /**
     * Opens a model folder: its config, checked against the weights' names and shapes before anything is allocated,
     * then the weights in float32: with gradients in full fine-tuning ({@code lora} null); frozen under LoRA, with fresh
     * adapters (B = 0, so the policy starts exactly at the checkpoint) as the parameters.
     *
     * @param lora the adapters' settings, or null for full fine-tuning
     * @param seed seeds the adapters' A (unused in full fine-tuning)
     * @throws IOException naming the file and the tensor or field at fault
     */
    public static HfCausalLm open(NDManager parent, Path folder, TokenCodec codec, Prompting prompting,
                                  LoraConfig lora, long seed) throws IOException {
        HfConfig config = HfConfigReader.read(folder);
        int context = prompting.context();
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
                LinkedHashMap<String, NDArray> arrays = new LinkedHashMap<>();
                for (ExpectedWeights.Tensor tensor : expected.tensors()) {
                    String name = tensor.name();
                    NDArray p = OwnedArrays.owned(own.create(weights.readFloats(name), new Shape(shapes.get(name))),
                            DataType.FLOAT32);
                    p.setName(name);
                    // frozen under LoRA: no gradient is ever computed or held for the base
                    p.setRequiresGradient(lora == null);
                    arrays.put(name, p);
                }
                LoraAdapters adapters = lora == null ? null
                        : LoraAdapters.init(own, lora, arrays, config.layers(), seed);
                return new HfCausalLm(config, parent, own, arrays, adapters, lora == null, codec,
                        folder.toAbsolutePath().normalize(), weights.dtype(), prompting);
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

    /** The adapters' settings, or empty in full fine-tuning (and for a LoRA policy's reference view). */
    public Optional<LoraConfig> lora() {
        return lora == null ? Optional.empty() : Optional.of(lora.config());
    }

    /** The checkpoint's weights by transformers' names (frozen under LoRA), read by tests. */
    Map<String, NDArray> weights() {
        return Collections.unmodifiableMap(weights);
    }

    /** The folder the checkpoint's weights were read from (for a LoRA policy, its base model). */
    public Path source() {
        return source;
    }

    /** The prompt rendered by the project's {@code prompt_format} (no special tokens added: no doubled BOS). */
    @Override
    public int[] encodePrompt(String prompt) {
        return prompting.promptFormat().encode(prompt, codec);
    }

    @Override
    public String renderPrompt(String prompt) {
        return prompting.promptFormat().render(prompt);
    }

    @Override
    public int contextLength() {
        return prompting.context();
    }

    @Override
    protected Pass pass(UnaryOperator<NDArray> view) {
        DecoderForward.Weights w = new DecoderForward.Weights(weights, view, lora);
        return new Pass() {
            @Override
            public NDArray hidden(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
                return forward.hidden(w, tokens, positions, mask, cache);
            }

            @Override
            public NDArray logits(NDArray hidden) {
                return forward.logits(w, hidden);
            }

            @Override
            public NDArray unembedding() {
                return forward.unembedding(w);
            }
        };
    }

    @Override
    protected int layers() {
        return config.layers();
    }

    @Override
    protected int hiddenSize() {
        return config.hiddenSize();
    }

    @Override
    protected DataType dtype() {
        return DataType.FLOAT32;
    }

    /** Every weight in full fine-tuning; under LoRA only the adapters, by PEFT's names (the base is frozen). */
    @Override
    public Map<String, NDArray> parameters() {
        if (lora != null) {
            return lora.parameters();
        }
        return trainsWeights ? Collections.unmodifiableMap(weights) : Map.of();
    }

    /** An independent copy: its own duplicates of the weights (and of the adapters, under LoRA), frozen. */
    @Override
    public HfCausalLm copy() {
        NDManager own = parent.newSubManager();
        LinkedHashMap<String, NDArray> copies = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray c = e.getValue().stopGradient().duplicate();
            c.attach(own);
            c.setName(e.getKey());
            copies.put(e.getKey(), c);
        }
        return new HfCausalLm(config, parent, own, copies, lora == null ? null : lora.copy(own), trainsWeights, codec,
                source, storedAs, prompting);
    }

    /**
     * In full fine-tuning an independent copy; under LoRA the base model, the adapters switched off, on the same weights
     * (TRL's {@code disable_adapter()} for π_ref). The view holds only its rotary table: closing it frees nothing of
     * this policy's; closing this policy frees the weights it reads, so close the view first.
     */
    @Override
    public HfCausalLm reference() {
        if (lora == null) {
            return copy();
        }
        return new HfCausalLm(config, parent, manager.newSubManager(), weights, null, false, codec, source, storedAs,
                prompting);
    }

    /** Under LoRA the reference is the frozen base whatever the adapters have learnt. */
    @Override
    public boolean referenceIsFixed() {
        return lora != null;
    }

    /**
     * Writes the folder transformers reads: the source's config and tokenizer files, and {@code model.safetensors} in
     * the dtype the source was stored in (bf16 stays bf16, rounded to nearest even as PyTorch casts).
     */
    @Override
    public void save(Path dir) throws IOException {
        if (lora != null) {
            carry(dir, false);
            AdapterFolder.write(dir, lora, source);
            writePolicyFile(dir, true);
            return;
        }
        writeModel(dir, Map.of());
    }

    /**
     * The whole model with the adapters merged into its weights, W + (α/r)·B·A, in transformers' layout (as PEFT's
     * {@code merge_and_unload()} then {@code save_pretrained}): a folder any tool opens without PEFT. In full
     * fine-tuning, the same as {@link #save}.
     */
    public void saveMerged(Path dir) throws IOException {
        Map<String, float[]> deltas = new LinkedHashMap<>();
        if (lora != null) {
            for (String module : lora.config().modulePaths(config.layers())) {
                deltas.put(module + ".weight", lora.mergedDelta(module));
            }
        }
        writeModel(dir, deltas);
    }

    /** config.json (when {@code withConfig}) and the tokenizer files of the source folder. */
    private void carry(Path dir, boolean withConfig) throws IOException {
        Files.createDirectories(dir);
        for (String file : CARRIED_FILES) {
            Path from = source.resolve(file);
            if (!withConfig && file.equals(HfConfigReader.FILE_NAME)) {
                // an adapter folder with a config.json would read as a whole model to transformers
                continue;
            }
            if (Files.isRegularFile(from) && !from.equals(dir.resolve(file))) {
                Files.copy(from, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The weights, each plus its delta if it has one, as {@code model.safetensors} in the source's dtype. */
    private void writeModel(Path dir, Map<String, float[]> deltas) throws IOException {
        carry(dir, true);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray p = e.getValue();
            float[] delta = deltas.get(e.getKey());
            tensors.add(new SafetensorsWriter.Tensor(e.getKey(), p.getShape().getShape(), () -> {
                float[] w = p.stopGradient().toFloatArray();
                if (delta != null) {
                    for (int i = 0; i < w.length; i++) {
                        w[i] += delta[i];
                    }
                }
                return w;
            }));
        }
        new SafetensorsWriter(storedAs, SafetensorsWriter.PT_METADATA).write(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE),
                tensors);
        writePolicyFile(dir, false);
    }

    private void writePolicyFile(Path dir, boolean withAdapters) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("context", prompting.context());
        json.put("prompt_format", prompting.promptFormatName());
        if (prompting.systemPrompt() != null) {
            json.put("system_prompt", prompting.systemPrompt());
        }
        if (withAdapters) {
            // as adapter_config.json says it, which is what loading reads
            ObjectNode l = json.putObject("lora");
            l.put("r", lora.config().rank());
            l.put("alpha", lora.config().alpha());
            ArrayNode targets = l.putArray("target_modules");
            lora.config().targetModules().forEach(targets::add);
            json.put("base_model", source.toString());
        }
        Files.writeString(dir.resolve(POLICY_FILE), JSON.writeValueAsString(json) + "\n");
    }

    /**
     * Copies what a saved folder holds into this model, in place: the weights of a model of the same architecture in
     * full fine-tuning; under LoRA the adapters of an adapter folder with the same rank, alpha and targets.
     */
    @Override
    public void load(Path dir) throws IOException {
        if (!trainsWeights && lora == null) {
            throw new IllegalStateException("the reference view of a LoRA policy is frozen: it loads nothing");
        }
        if (lora != null) {
            if (!AdapterFolder.isAdapter(dir)) {
                throw new IOException(dir + ": no " + AdapterFolder.CONFIG_FILE + "; a LoRA policy loads its adapters "
                        + "from a folder it saved");
            }
            LoraConfig saved = AdapterFolder.readConfig(dir).config();
            if (!saved.equals(lora.config())) {
                throw new IOException(dir.resolve(AdapterFolder.CONFIG_FILE) + ": the saved adapters (" + saved
                        + ") are not this policy's (" + lora.config() + ")");
            }
            AdapterFolder.read(dir, lora);
            return;
        }
        if (AdapterFolder.isAdapter(dir)) {
            throw new IOException(dir + " holds LoRA adapters (" + AdapterFolder.CONFIG_FILE + "); this policy is "
                    + "fully fine-tuned: open the folder with lora settings, or merge it first");
        }
        HfConfig saved = HfConfigReader.read(dir);
        if (!saved.equals(config)) {
            throw new IOException(dir + ": the saved model's config differs from this one's");
        }
        try (SafetensorsCheckpoint file = SafetensorsCheckpoint.open(dir)) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (String name : file.names()) {
                shapes.put(name, file.info(name).shape());
            }
            ExpectedWeights.of(config).verify(shapes, dir.toString());
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                // through the heap: set(Buffer) on a CPU array would adopt a direct buffer as its storage
                e.getValue().set(file.readFloats(e.getKey()));
            }
        }
    }

    /** Every projection and the unembedding (the embedding lookup multiplies nothing), plus the adapters under LoRA. */
    @Override
    public long matmulParameters() {
        long adapters = 0;
        if (lora != null) {
            for (NDArray p : lora.parameters().values()) {
                adapters += p.size();
            }
        }
        return ModelFolder.matmulParameters(config) + adapters;
    }

    @Override
    public String describe() {
        long count = 0;
        for (NDArray p : weights.values()) {
            count += p.size();
        }
        String training;
        if (lora != null) {
            long adapters = 0;
            for (NDArray p : lora.parameters().values()) {
                adapters += p.size();
            }
            LoraConfig c = lora.config();
            training = String.format(Locale.ROOT, ", LoRA r=%d α=%s on %s (%.2fM trained)", c.rank(),
                    c.alpha() == Math.rint(c.alpha()) ? Long.toString((long) c.alpha()) : Double.toString(c.alpha()),
                    String.join(",", c.targetModules()), adapters / 1e6);
        } else {
            training = trainsWeights ? "" : ", frozen";
        }
        return "hf-causal-lm " + config.modelType() + " " + config.layers() + "x" + config.hiddenSize() + ", "
                + config.heads() + "/" + config.kvHeads() + " heads, ctx " + prompting.context() + ", "
                + String.format(Locale.ROOT, "%.1fM params", count / 1e6) + training + ", float32, " + device();
    }

    @Override
    public void close() {
        manager.close();
    }
}
