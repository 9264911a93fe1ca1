package org.grpowb.hf.text;

import org.grpowb.api.TokenCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How an example's prompt text becomes the string a policy is given, as a project's {@code prompt_format} chooses:
 * {@code chat} wraps it as the user turn of the model's chat template (after an optional system prompt) and opens
 * the assistant's turn; {@code raw} gives the text as it is, after the BOS the tokenizer would add to any document.
 *
 * <p>Exactly one BOS: the rendered string is encoded with no special tokens added ({@link HfTokenizerCodec#encode}),
 * because Llama 3 templates begin with {@code {{- bos_token }}} and transformers also encodes a rendered chat with
 * {@code add_special_tokens=False} ({@code apply_chat_template(tokenize=True)}); letting the tokenizer add
 * {@code <|begin_of_text|>} too would start every prompt with two, a sequence the model never saw in training. A raw
 * prompt gets the tokenizer's BOS written in front unless its text already starts with it.
 */
public sealed interface PromptFormat permits PromptFormat.Chat, PromptFormat.Raw {

    /** A project's {@code prompt_format}. */
    enum Kind {
        CHAT, RAW;

        /** {@code "chat"} or {@code "raw"}. */
        public static Kind parse(String value) {
            for (Kind k : values()) {
                if (k.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("prompt_format \"" + value + "\" is neither chat nor raw");
        }
    }

    /** The string to encode for one example's prompt. */
    String render(String prompt);

    /** The prompt's token ids: {@link #render} encoded with no special tokens added. */
    default int[] encode(String prompt, TokenCodec codec) {
        return codec.encode(render(prompt));
    }

    /**
     * The format a project asks for.
     *
     * @param template     the model's chat template; required for {@code chat}
     * @param systemPrompt the system turn for {@code chat}, or null for none (the template may insert its own
     *                     default: Qwen2.5 does); must be null for {@code raw}
     * @param bosPrefix    for {@code raw}, what the tokenizer puts before a document ({@link HfTokenizerCodec#bosPrefix})
     */
    static PromptFormat of(Kind kind, ChatTemplate template, String systemPrompt, String bosPrefix) {
        return switch (kind) {
            case CHAT -> {
                if (template == null) {
                    throw new IllegalArgumentException("prompt_format: chat needs a chat template, and this model has "
                            + "none (no chat_template in tokenizer_config.json, no chat_template.jinja): use raw");
                }
                yield new Chat(template, systemPrompt);
            }
            case RAW -> {
                if (systemPrompt != null) {
                    throw new IllegalArgumentException("prompt_format: raw has no system turn; leave the system "
                            + "prompt empty or use chat");
                }
                yield new Raw(bosPrefix);
            }
        };
    }

    /**
     * The prompt as the user's turn of a chat template, followed by the opening of the assistant's turn.
     *
     * @param template     the model's chat template
     * @param systemPrompt a system turn before it, or null for none
     */
    record Chat(ChatTemplate template, String systemPrompt) implements PromptFormat {

        public Chat {
            Objects.requireNonNull(template, "template");
        }

        @Override
        public String render(String prompt) {
            List<ChatMessage> messages = new ArrayList<>(2);
            if (systemPrompt != null) {
                messages.add(ChatMessage.system(systemPrompt));
            }
            messages.add(ChatMessage.user(prompt));
            return template.render(messages, true);
        }
    }

    /**
     * The prompt text as it is, after the tokenizer's BOS.
     *
     * @param bosPrefix the BOS text ({@code ""} when the tokenizer adds none, as Qwen2.5's)
     */
    record Raw(String bosPrefix) implements PromptFormat {

        public Raw {
            Objects.requireNonNull(bosPrefix, "bosPrefix");
        }

        @Override
        public String render(String prompt) {
            return prompt.startsWith(bosPrefix) ? prompt : bosPrefix + prompt;
        }
    }
}
