package org.grpowb.hf;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.model.HfCausalLm;
import org.grpowb.hf.text.HfTokenizerCodec;

/**
 * {@code model: {name: hf-causal-lm, init: path/to/folder}}: a Hugging Face Llama-family checkpoint (Llama 3.x,
 * Qwen2/2.5, SmolLM2, Mistral) opened from a local folder holding {@code config.json}, {@code model.safetensors} (or a
 * sharded set with its index), {@code tokenizer.json} and {@code tokenizer_config.json}. Nothing is downloaded.
 *
 * <p>The policy's context ({@code context}, the longest prompt + completion it attends over) is a setting because it
 * sizes the rotary table and bounds every batch; it is saved beside the weights so that a checkpoint reopens alike.
 */
public final class HfCausalLmFactory implements PolicyModelFactory {

    public static final String NAME = "hf-causal-lm";

    private static final List<SettingSpec> SETTINGS = List.of(SettingSpec.integer("context",
            "longest prompt + completion in tokens (at most the model's max_position_embeddings); ours: 1024 fits the "
                    + "reasoning prompts of the sample projects with room for a completion", 1024, 2, 1_048_576));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A Hugging Face Llama / Qwen2 / SmolLM2 / Mistral checkpoint from a local folder (model.init)";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    /** There is no architecture to initialise from settings alone: the model is its folder. */
    @Override
    public PolicyModel create(NDManager manager, Settings settings, long seed) {
        throw new IllegalArgumentException(NAME + " opens a model folder: set model.init to a folder with config.json, "
                + "model.safetensors and tokenizer.json");
    }

    /** The tokenizer lives in the model folder, which settings do not name. */
    @Override
    public TokenCodec codec(Settings settings) {
        throw new IllegalArgumentException(NAME + "'s tokenizer is read from its model folder (model.init)");
    }

    /** A checkpoint this policy saved, with the context it was saved with (else the default, within the model's). */
    /** The tokenizer of the model folder. */
    @Override
    public TokenCodec codec(Settings settings, Path init) {
        if (init == null) {
            return codec(settings);
        }
        try {
            return HfTokenizerCodec.load(init);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public PolicyModel load(NDManager manager, Path dir) throws IOException {
        Path saved = dir.resolve(HfCausalLm.CONTEXT_FILE);
        int context = Files.isRegularFile(saved) ? Integer.parseInt(Files.readString(saved).trim())
                : Math.min((Integer) SETTINGS.get(0).defaultValue(), HfConfigReader.read(dir).maxPositionEmbeddings());
        return open(manager, dir, context);
    }

    /** A project's {@code model.init} folder, opened with the project's {@code context}. */
    @Override
    public PolicyModel load(NDManager manager, Path dir, Settings settings) throws IOException {
        return open(manager, dir, settings.integer("context"));
    }

    /** Opens a folder with an explicit context; what {@link #load} does with the saved or default one. */
    public static HfCausalLm open(NDManager manager, Path dir, int context) throws IOException {
        return HfCausalLm.open(manager, dir, HfTokenizerCodec.load(dir), context);
    }
}
