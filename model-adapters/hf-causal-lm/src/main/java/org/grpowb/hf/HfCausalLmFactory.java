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
import org.grpowb.api.MemoryNeeds;
import org.grpowb.api.ModelCard;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.model.AdapterFolder;
import org.grpowb.hf.model.HfCausalLm;
import org.grpowb.hf.model.LoraConfig;
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
 *
 * <p>{@code lora_rank > 0} trains LoRA adapters on the frozen checkpoint instead of every weight (PEFT's
 * {@code LoraConfig}: {@code lora_alpha}, {@code lora_target_modules}); its checkpoints are PEFT adapter folders that
 * name their base folder, and {@link #load(NDManager, Path)} reopens them from it. A PEFT adapter folder may also be
 * {@code model.init}: training continues from its adapters.
 */
public final class HfCausalLmFactory implements PolicyModelFactory {

    public static final String NAME = "hf-causal-lm";

    /**
     * Seeds the adapters' A. Ours, fixed: a factory opening a folder is given no seed, so runs that differ only in
     * {@code training.seed} start from the same adapters (and, B being 0, from the same policy either way).
     */
    public static final long ADAPTER_SEED = 0;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SettingSpec CONTEXT = SettingSpec.integer("context", "longest prompt + completion in tokens "
            + "(at most the model's max_position_embeddings); ours: 1024 fits the reasoning prompts of the sample "
            + "projects with room for a completion", 1024, 2, 1_048_576);
    private static final SettingSpec PROMPT_FORMAT = SettingSpec.choice("prompt_format", "how a prompt is given to "
            + "the model: chat (the user turn of its chat template, then the assistant's opening), raw (the text after "
            + "the tokenizer's BOS), or auto (chat when the folder has a chat template, as TRL does for "
            + "conversational data)", "auto", "auto", "chat", "raw");
    private static final SettingSpec SYSTEM_PROMPT = SettingSpec.text("system_prompt", "a system turn before each "
            + "prompt of the chat format; empty: none (a template may then insert its own default, as Qwen2.5's "
            + "does)", "");
    private static final SettingSpec LORA_RANK = SettingSpec.integer("lora_rank", "r of LoRA adapters trained on the "
            + "frozen model; 0: full fine-tuning, every weight trained (ours: full fine-tuning keeps the behaviour of "
            + "a project without the setting; PEFT's default r is 8)", 0, 0, 65_536);
    private static final SettingSpec LORA_ALPHA = SettingSpec.number("lora_alpha", "α of LoRA: the adapters' update "
            + "is scaled by α / r; 0: PEFT's default, 8. Only with lora_rank > 0", 0, 0, 1e6);
    private static final SettingSpec LORA_TARGETS = SettingSpec.text("lora_target_modules", "the linear layers "
            + "given adapters, by PEFT's names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, "
            + "separated by commas) or all-linear; empty: PEFT's default for llama, qwen2 and mistral, q_proj,v_proj. "
            + "Only with lora_rank > 0", "");

    private static final List<SettingSpec> SETTINGS = List.of(CONTEXT, PROMPT_FORMAT, SYSTEM_PROMPT, LORA_RANK,
            LORA_ALPHA, LORA_TARGETS);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A Hugging Face Llama / Qwen2 / SmolLM2 / Mistral checkpoint from a local folder (model.init), fully "
                + "fine-tuned or with LoRA";
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

    /** The tokenizer of the model folder (of an adapter folder's base model when the adapter folder has none). */
    @Override
    public TokenCodec codec(Settings settings, Path init) {
        if (init == null) {
            return codec(settings);
        }
        try {
            if (AdapterFolder.isAdapter(init) && !Files.isRegularFile(init.resolve("tokenizer.json"))) {
                return HfTokenizerCodec.load(AdapterFolder.readConfig(init).base());
            }
            return HfTokenizerCodec.load(init);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * A checkpoint this policy saved, opened as it was saved (its context, prompt format and system prompt; an adapter
     * folder over the base folder it names); a folder from elsewhere gets the defaults, the context within the model's
     * maximum.
     */
    @Override
    public PolicyModel load(NDManager manager, Path dir) throws IOException {
        Path saved = dir.resolve(HfCausalLm.POLICY_FILE);
        if (Files.isRegularFile(saved)) {
            JsonNode policy = JSON.readTree(saved.toFile());
            String system = policy.path("system_prompt").asText("");
            return open(manager, dir, policy.path("context").asInt(), policy.path("prompt_format").asText(), system,
                    null);
        }
        Path modelFolder = AdapterFolder.isAdapter(dir) ? AdapterFolder.readConfig(dir).base() : dir;
        int context = Math.min((Integer) CONTEXT.defaultValue(),
                HfConfigReader.read(modelFolder).maxPositionEmbeddings());
        return open(manager, dir, context, (String) PROMPT_FORMAT.defaultValue(), "", null);
    }

    /**
     * A project's {@code model.init} folder, opened with the project's settings: a model folder fully fine-tuned or with
     * fresh LoRA adapters; an adapter folder with its saved adapters (the project's lora settings, if given, must be
     * the saved ones).
     */
    @Override
    public PolicyModel load(NDManager manager, Path dir, Settings settings) throws IOException {
        Optional<LoraConfig> lora = LoraConfig.fromSettings(settings.integer(LORA_RANK.name()),
                settings.number(LORA_ALPHA.name()), settings.text(LORA_TARGETS.name()));
        return open(manager, dir, settings.integer(CONTEXT.name()), settings.choice(PROMPT_FORMAT.name()),
                settings.text(SYSTEM_PROMPT.name()), lora.orElse(null));
    }

    /** As {@link #open(NDManager, Path, int, String, String, LoraConfig)} with no system prompt, fully fine-tuned. */
    public static HfCausalLm open(NDManager manager, Path dir, int context, String promptFormat) throws IOException {
        return open(manager, dir, context, promptFormat, "", null);
    }

    /**
     * Opens a folder with an explicit context and prompt format ({@code auto}, {@code chat} or {@code raw}). Chat
     * templates render with a fixed date ({@link ChatTemplate#LLAMA_FALLBACK_DATE}): a template that prints today's
     * date would otherwise change the prompts, and the run, from one day to the next.
     *
     * @param dir          a model folder, or a PEFT adapter folder (then the tokenizer and chat template are its base
     *                     model's, and its adapters are loaded)
     * @param systemPrompt the system turn of the chat format; empty for none
     * @param lora         for a model folder, the adapters to add (null: full fine-tuning); for an adapter folder, null
     *                     or its saved settings
     */
    public static HfCausalLm open(NDManager manager, Path dir, int context, String promptFormat, String systemPrompt,
                                  LoraConfig lora) throws IOException {
        AdapterFolder.Saved adapter = AdapterFolder.isAdapter(dir) ? AdapterFolder.readConfig(dir) : null;
        if (adapter != null && lora != null && !lora.equals(adapter.config())) {
            throw new IllegalArgumentException(dir + " holds LoRA adapters " + describe(adapter.config())
                    + " but the project's lora settings ask for " + describe(lora) + ": leave lora_rank, lora_alpha "
                    + "and lora_target_modules out to continue training the saved adapters");
        }
        Path modelFolder = adapter == null ? dir : adapter.base();
        HfTokenizerCodec codec = HfTokenizerCodec.load(modelFolder);
        Optional<ChatTemplate> template = ChatTemplate.fromModelFolder(modelFolder,
                ChatTemplate.LLAMA_FALLBACK_DATE.atStartOfDay());
        PromptFormat.Kind kind = promptFormat.equals("auto")
                ? (template.isPresent() ? PromptFormat.Kind.CHAT : PromptFormat.Kind.RAW)
                : PromptFormat.Kind.parse(promptFormat);
        String system = systemPrompt == null || systemPrompt.isEmpty() ? null : systemPrompt;
        PromptFormat format;
        try {
            format = PromptFormat.of(kind, template.orElse(null), system, codec.bosPrefix());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFolder + ": " + e.getMessage()
                    + (system != null ? " ('system_prompt' is set)" : ""), e);
        }
        HfCausalLm.Prompting prompting = new HfCausalLm.Prompting(context, format,
                kind.name().toLowerCase(Locale.ROOT), system);
        if (adapter == null) {
            return HfCausalLm.open(manager, dir, codec, prompting, lora, ADAPTER_SEED);
        }
        HfCausalLm policy = HfCausalLm.open(manager, adapter.base(), codec, prompting, adapter.config(), ADAPTER_SEED);
        try {
            policy.load(dir);
            return policy;
        } catch (IOException | RuntimeException e) {
            policy.close();
            throw e;
        }
    }

    /**
     * The memory a project's model will need, and every check that can be made without loading a weight: the config,
     * the weights' names and shapes against it, a truncated file, the tokenizer's size against the embedding. A bad
     * folder stops here, naming its file and tensor or key, before a run is created.
     */
    @Override
    public Optional<MemoryNeeds> memoryNeeds(Path init, Settings settings) throws IOException {
        if (init == null) {
            return Optional.empty();
        }
        Optional<LoraConfig> lora = LoraConfig.fromSettings(settings.integer(LORA_RANK.name()),
                settings.number(LORA_ALPHA.name()), settings.text(LORA_TARGETS.name()));
        LoraConfig adapters = lora.orElse(null);
        Path modelFolder = init;
        if (AdapterFolder.isAdapter(init)) {
            AdapterFolder.Saved saved = AdapterFolder.readConfig(init);
            modelFolder = saved.base();
            adapters = saved.config();
        }
        ModelFolder.Summary summary = ModelFolder.inspect(modelFolder);
        if (summary.weightsProblem().isPresent()) {
            throw new IOException(summary.weightsProblem().get());
        }
        if (summary.tokenizer().isEmpty()) {
            throw new IOException(summary.tokenizerProblem().orElse(modelFolder.resolve("tokenizer.json")
                    + ": a Hugging Face model folder needs tokenizer.json (the fast tokenizer); this one has none"));
        }
        if (summary.tokenizerProblem().isPresent()) {
            throw new IOException(summary.tokenizerProblem().get());
        }
        int context = Math.min(settings.integer(CONTEXT.name()), summary.config().maxPositionEmbeddings());
        return Optional.of(MemoryEstimate.of(summary.config(), context, adapters == null ? 0 : adapters.rank(),
                adapters == null ? List.of() : adapters.targetModules()));
    }

    private static String describe(LoraConfig c) {
        return "(r " + c.rank() + ", alpha " + c.alpha() + ", " + String.join(",", c.targetModules()) + ")";
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
