package org.grpowb.hf.text;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's chat template, rendered the way transformers' {@code apply_chat_template} renders it, with Jinjava in
 * place of Python's Jinja2. transformers ({@code utils/chat_template_utils.py}, {@code _compile_jinja_template} and
 * {@code render_jinja_template}) compiles the template in an {@code ImmutableSandboxedEnvironment} with
 * {@code trim_blocks=True} and {@code lstrip_blocks=True}, adds the globals {@code raise_exception(message)} (raises a
 * {@code TemplateError} with the template's message) and {@code strftime_now(format)} and renders with
 * {@code messages} (a list of {role, content} maps), {@code add_generation_prompt}, and the tokenizer's
 * {@code special_tokens_map} ({@code bos_token}, {@code eos_token}, ...; {@code tokenization_utils_base.py},
 * {@code template_kwargs = {**self.special_tokens_map, **kwargs}}). This class sets up Jinjava the same way, decodes
 * Python string escapes Jinjava lacks ({@link JinjaSource}), and tells {@link ChatTemplateException} apart when the
 * template raised it.
 *
 * <p>{@code strftime_now} returns a date fixed when the template is made, never the clock: Llama 3.1-3.3 templates
 * write "Today Date: " + {@code strftime_now("%d %b %Y")} into every system header, and a prompt that changes at
 * midnight would make runs, caches and golden tests irreproducible. {@link #LLAMA_FALLBACK_DATE} is the date those
 * templates fall back to when {@code strftime_now} is absent.
 *
 * <p>Supported: what Qwen2.5-Instruct's, Llama 3.x-Instruct's and SmolLM2-Instruct's templates use without tools
 * (tests pin them with golden strings). Python string methods exist only where Java's {@code String} has a method of
 * the same name and meaning ({@code .strip()}, {@code .replace(a, b)}); {@code .startswith}, {@code .upper} and the
 * like fail with an error, and {@code tojson} is Jinjava's, not Python's {@code json.dumps}.
 */
public final class ChatTemplate {

    /** The name a single {@code chat_template} string has, and the one used among named templates. */
    public static final String DEFAULT_NAME = TokenizerConfigJson.DEFAULT_TEMPLATE;
    /** {@code chat_template.jinja}: where transformers 4.50 and later save the template instead of the config. */
    public static final String TEMPLATE_FILE = "chat_template.jinja";
    /** "26 Jul 2024": the date Llama 3.1-3.3 templates write when {@code strftime_now} is not defined. */
    public static final LocalDate LLAMA_FALLBACK_DATE = LocalDate.of(2024, 7, 26);

    private static final String NOW_VARIABLE = "__grpowb_fixed_now__";

    private final String source;
    private final String jinjavaSource;
    private final Map<String, Object> specialTokens;
    private final LocalDateTime now;
    private final Jinjava jinjava;

    private ChatTemplate(String source, Map<String, ?> specialTokens, LocalDateTime now) {
        this.source = Objects.requireNonNull(source, "source");
        this.jinjavaSource = JinjaSource.forJinjava(source);
        this.specialTokens = Map.copyOf(specialTokens);
        this.now = Objects.requireNonNull(now, "now");
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true) // {#- ... #} and {{- ... }} trim as in Jinja2
                        .build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                ChatTemplate.class, "strftimeNow", String.class));
    }

    /**
     * A template with the variables it will see besides the messages.
     *
     * @param source        the Jinja source
     * @param specialTokens {@code bos_token}, {@code eos_token}, ... (a template may use any of them)
     * @param now           what {@code strftime_now} formats
     */
    public static ChatTemplate of(String source, Map<String, ?> specialTokens, LocalDateTime now) {
        return new ChatTemplate(source, specialTokens, now);
    }

    /**
     * The template of a model folder, as transformers finds it: {@code chat_template.jinja} when present, else
     * {@code tokenizer_config.json}'s {@code chat_template} (a string, or the one named {@code default} among
     * named templates), with that config's special tokens. Empty when the model has no template (base models).
     *
     * @throws IOException when the config cannot be read, or names templates none of which is {@code default}
     */
    public static Optional<ChatTemplate> fromModelFolder(Path modelDir, LocalDateTime now) throws IOException {
        TokenizerConfigJson config = TokenizerConfigJson.read(modelDir);
        Path file = modelDir.resolve(TEMPLATE_FILE);
        String source;
        if (Files.isRegularFile(file)) {
            source = Files.readString(file);
        } else if (config.chatTemplates().isEmpty()) {
            return Optional.empty();
        } else {
            source = config.chatTemplates().get(DEFAULT_NAME);
            if (source == null) {
                throw new IOException(config.file() + ": chat_template names " + config.chatTemplates().keySet()
                        + " but none is \"" + DEFAULT_NAME + "\"");
            }
        }
        return Optional.of(new ChatTemplate(source, config.specialTokens(), now));
    }

    /**
     * Renders a conversation.
     *
     * @param addGenerationPrompt end with the header that opens the assistant's turn, so that what the model
     *                            generates next is the answer ({@code <|im_start|>assistant\n} in ChatML)
     * @throws ChatTemplateException when the template raises or cannot be evaluated
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>(specialTokens);
        List<Map<String, Object>> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        context.put("messages", turns);
        context.put("add_generation_prompt", addGenerationPrompt);
        // In Jinja2 the two globals are defined names; Llama 3 templates test `strftime_now is defined`.
        context.put("strftime_now", "<function strftime_now>");
        context.put("raise_exception", "<function raise_exception>");
        context.put(NOW_VARIABLE, now);
        RenderResult result = jinjava.renderForResult(jinjavaSource, context);
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .toList();
        if (!fatal.isEmpty()) {
            for (TemplateError e : fatal) {
                for (Throwable t = e.getException(); t != null; t = t.getCause()) {
                    if (t instanceof RaisedByTemplate raised) {
                        throw new ChatTemplateException(raised.getMessage(), true, raised);
                    }
                }
            }
            TemplateError first = fatal.get(0);
            throw new ChatTemplateException("chat template failed at line " + first.getLineno() + ": "
                    + first.getMessage() + (fatal.size() > 1 ? " (and " + (fatal.size() - 1) + " more errors)" : ""),
                    false, first.getException());
        }
        return result.getOutput();
    }

    /** The template as the model folder wrote it. */
    public String source() {
        return source;
    }

    /** What {@code strftime_now} formats. */
    public LocalDateTime now() {
        return now;
    }

    /** {@code raise_exception(message)}, registered with Jinjava. */
    static String raiseException(String message) {
        throw new RaisedByTemplate(message);
    }

    /** {@code strftime_now(format)}, registered with Jinjava: the template's fixed date, never the clock. */
    static String strftimeNow(String format) {
        Object now = JinjavaInterpreter.getCurrent().getContext().get(NOW_VARIABLE);
        return Strftime.format(format, (LocalDateTime) now);
    }

    private static final class RaisedByTemplate extends RuntimeException {
        RaisedByTemplate(String message) {
            super(message);
        }
    }
}
