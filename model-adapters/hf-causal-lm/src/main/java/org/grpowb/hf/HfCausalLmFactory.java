package org.grpowb.hf;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.grpowb.api.ModelCard;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.model.HfCausalLm;
import org.grpowb.hf.text.ChatTemplate;
import org.grpowb.hf.text.HfTokenizerCodec;
import org.grpowb.hf.text.PromptFormat;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.integer("context", "longest prompt + completion in tokens (at most the model's "
                    + "max_position_embeddings); ours: 1024 fits the reasoning prompts of the sample projects with room "
                    + "for a completion", 1024, 2, 1_048_576),
            SettingSpec.choice("prompt_format", "how a prompt is given to the model: chat (the user turn of its chat "
                    + "template, then the assistant's opening), raw (the text after the tokenizer's BOS), or auto (chat "
                    + "when the folder has a chat template, as TRL does for conversational data)", "auto", "auto", "chat",
                    "raw"));

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

    /**
     * A checkpoint this policy saved, opened as it was saved (its context and prompt format); a folder from elsewhere
     * gets the defaults, the context within the model's maximum.
     */
    @Override
    public PolicyModel load(NDManager manager, Path dir) throws IOException {
        Path saved = dir.resolve(HfCausalLm.POLICY_FILE);
        if (Files.isRegularFile(saved)) {
            JsonNode policy = JSON.readTree(saved.toFile());
            return open(manager, dir, policy.path("context").asInt(), policy.path("prompt_format").asText());
        }
        int context = Math.min((Integer) SETTINGS.get(0).defaultValue(), HfConfigReader.read(dir).maxPositionEmbeddings());
        return open(manager, dir, context, (String) SETTINGS.get(1).defaultValue());
    }

    /** A project's {@code model.init} folder, opened with the project's {@code context} and {@code prompt_format}. */
    @Override
    public PolicyModel load(NDManager manager, Path dir, Settings settings) throws IOException {
        return open(manager, dir, settings.integer("context"), settings.choice("prompt_format"));
    }

    /**
     * Opens a folder with an explicit context and prompt format ({@code auto}, {@code chat} or {@code raw}). Chat
     * templates render with a fixed date ({@link ChatTemplate#LLAMA_FALLBACK_DATE}): a template that prints today's
     * date would otherwise change the prompts, and the run, from one day to the next.
     */
    public static HfCausalLm open(NDManager manager, Path dir, int context, String promptFormat) throws IOException {
        HfTokenizerCodec codec = HfTokenizerCodec.load(dir);
        Optional<ChatTemplate> template = ChatTemplate.fromModelFolder(dir,
                ChatTemplate.LLAMA_FALLBACK_DATE.atStartOfDay());
        PromptFormat.Kind kind = promptFormat.equals("auto")
                ? (template.isPresent() ? PromptFormat.Kind.CHAT : PromptFormat.Kind.RAW)
                : PromptFormat.Kind.parse(promptFormat);
        PromptFormat format;
        try {
            format = PromptFormat.of(kind, template.orElse(null), null, codec.bosPrefix());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
        }
        return HfCausalLm.open(manager, dir, codec, context, format, kind.name().toLowerCase(Locale.ROOT));
    }

    /**
     * The folder's {@link ModelFolder} summary as a card: read from {@code config.json} and the safetensors headers,
     * no weight loaded. A folder without {@code tokenizer.json} still gets a card, with the missing tokenizer among its
     * problems (a project cannot train without it).
     *
     * @throws IOException naming the file at fault: no or a malformed {@code config.json}, an architecture outside the
     *                     family, no or a malformed safetensors file
     */
    @Override
    public Optional<ModelCard> inspect(Path folder) throws IOException {
        ModelFolder.Summary s;
        try {
            s = ModelFolder.inspect(folder);
        } catch (org.grpowb.hf.config.HfConfigException e) { // the config's problems are the folder's, and name the file like the rest
            throw new IOException(e.getMessage(), e);
        }
        var c = s.config();
        List<String> problems = new ArrayList<>();
        s.weightsProblem().ifPresent(problems::add);
        if (s.tokenizer().isEmpty() && s.tokenizerProblem().isEmpty()) {
            problems.add(s.folder().resolve("tokenizer.json") + ": no such file; the workbench reads the model's "
                    + "tokenizer from its folder");
        }
        s.tokenizerProblem().ifPresent(problems::add);
        return Optional.of(new ModelCard(c.modelType(), c.layers(), c.hiddenSize(), s.parameters(), s.dtype().name(),
                c.vocabSize(), c.maxPositionEmbeddings(), s.tokenizer().isPresent(), s.chatTemplate(), problems));
    }
}
