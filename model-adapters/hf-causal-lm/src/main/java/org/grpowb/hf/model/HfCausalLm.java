package org.grpowb.hf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.grpowb.api.OwnedArrays;
import org.grpowb.api.TokenCodec;
import org.grpowb.decoding.DecoderPolicy;
import org.grpowb.decoding.KvCache;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.config.RopeFrequencies;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.safetensors.SafetensorsWriter;
import org.grpowb.hf.text.PromptFormat;

/**
 * A Llama-family decoder (Llama 3.x, Qwen2/2.5, SmolLM2, Mistral) opened from a Hugging Face model folder and trained
 * in full fine-tuning: every weight of the checkpoint is a parameter, computed in float32 (DJL's PyTorch engine holds
 * no bf16, so bf16 and fp16 weights are widened as they load).
 *
 * <p>Sampling, scoring and features are {@link DecoderPolicy}'s: the unembedding's rows beyond the tokenizer's size (Qwen
 * pads its vocabulary to a multiple of 128) are never sampled and never enter a log-prob, entropy or THR.
 *
 * <p>Saving writes the folder back in transformers' layout — {@code config.json} and the tokenizer files copied from
 * the source folder, the weights as {@code model.safetensors} in the dtype the source checkpoint was stored in — so
 * that {@code from_pretrained} loads a trained checkpoint unchanged.
 */
public final class HfCausalLm extends DecoderPolicy {

    /**
     * Beside saved weights: how this policy was opened (its context and prompt format), so that a checkpoint reopens
     * alike. transformers ignores the file.
     */
    public static final String POLICY_FILE = "grpowb-policy.json";

    /** Files of a model folder that saving carries over unchanged. */
    static final List<String> CARRIED_FILES = List.of(HfConfigReader.FILE_NAME, "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja");

    private final HfConfig config;
    private final LinkedHashMap<String, NDArray> parameters;
    private final TokenCodec codec;
    private final Path source;
    private final Dtype storedAs;
    private final int context;
    private final PromptFormat promptFormat;
    private final String promptFormatName;
    private final RotaryTable rotary;
    private final DecoderForward forward;

    private HfCausalLm(HfConfig config, NDManager manager, LinkedHashMap<String, NDArray> parameters, TokenCodec codec,
                       Path source, Dtype storedAs, int context, PromptFormat promptFormat, String promptFormatName) {
        super(manager);
        if (codec.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException(source + ": the tokenizer has " + codec.vocabSize()
                    + " ids but the embedding only " + config.vocabSize() + " rows");
        }
        this.config = config;
        this.parameters = parameters;
        this.codec = codec;
        this.source = source;
        this.storedAs = storedAs;
        this.context = context;
        this.promptFormat = promptFormat;
        this.promptFormatName = promptFormatName;
        this.rotary = new RotaryTable(manager, RopeFrequencies.of(config), context, DataType.FLOAT32);
        this.forward = new DecoderForward(config, rotary);
    }

    /**
     * Opens a model folder: its config, checked against the weights' names and shapes before anything is allocated,
     * then the weights as float32 parameters with gradients.
     *
     * @param context          the longest prompt + completion this policy will attend over (at most the model's maximum)
     * @param promptFormat     how an example's prompt becomes the text to encode
     * @param promptFormatName its name in the project ({@code chat} or {@code raw}), saved with checkpoints
     * @throws IOException naming the file and the tensor or field at fault
     */
    public static HfCausalLm open(NDManager parent, Path folder, TokenCodec codec, int context,
                                  PromptFormat promptFormat, String promptFormatName) throws IOException {
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
                return new HfCausalLm(config, own, parameters, codec, folder, weights.dtype(), context, promptFormat,
                        promptFormatName);
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

    /** The prompt rendered by the project's {@code prompt_format} (no special tokens added: no doubled BOS). */
    @Override
    public int[] encodePrompt(String prompt) {
        return promptFormat.encode(prompt, codec);
    }

    @Override
    public int contextLength() {
        return context;
    }

    @Override
    protected Pass pass(UnaryOperator<NDArray> view) {
        DecoderForward.Weights w = new DecoderForward.Weights(parameters, view);
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
        return new HfCausalLm(config, own, copies, codec, source, storedAs, context, promptFormat, promptFormatName);
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
        Files.writeString(dir.resolve(POLICY_FILE), "{\"context\": " + context + ", \"prompt_format\": \""
                + promptFormatName + "\"}\n");
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
