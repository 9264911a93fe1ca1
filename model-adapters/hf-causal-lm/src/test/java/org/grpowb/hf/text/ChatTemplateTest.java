package org.grpowb.hf.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.grpowb.hf.text.HfTokenizerCodecTest.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real templates, copied as strings from the public {@code tokenizer_config.json} files of Qwen2.5-Instruct and
 * Llama-3.2-Instruct into {@code text/qwen2.5-instruct} and {@code text/llama-3.2-instruct}. Each golden below was
 * written by reading the template, not by running it.
 */
class ChatTemplateTest {

    static final LocalDateTime FIXED_NOW = LocalDate.of(2025, 3, 5).atTime(14, 7, 9);
    static final String QUESTION = "What is 2+3?";

    static ChatTemplate qwen() throws IOException {
        return ChatTemplate.fromModelFolder(resource("text/qwen2.5-instruct"), FIXED_NOW).orElseThrow();
    }

    static ChatTemplate llama(LocalDateTime now) throws IOException {
        return ChatTemplate.fromModelFolder(resource("text/llama-3.2-instruct"), now).orElseThrow();
    }

    @Test
    void qwenInsertsItsDefaultSystemPromptWhenNoneIsGiven() throws IOException {
        // no tools, first message not system: the else branch writes the default system turn
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nWhat is 2+3?<|im_end|>\n"
                        + "<|im_start|>assistant\n",
                qwen().render(List.of(ChatMessage.user(QUESTION)), true));
    }

    @Test
    void qwenWithASystemPrompt() throws IOException {
        // the system message is written once, before the loop; in the loop it is skipped (system and loop.first)
        assertEquals("<|im_start|>system\nYou are a careful calculator.<|im_end|>\n"
                        + "<|im_start|>user\nWhat is 2+3?<|im_end|>\n"
                        + "<|im_start|>assistant\n",
                qwen().render(List.of(ChatMessage.system("You are a careful calculator."), ChatMessage.user(QUESTION)),
                        true));
    }

    @Test
    void qwenMultiTurnWithoutGenerationPrompt() throws IOException {
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nWhat is 2+3?<|im_end|>\n"
                        + "<|im_start|>assistant\n5<|im_end|>\n"
                        + "<|im_start|>user\n And 2+4? <|im_end|>\n",
                qwen().render(List.of(ChatMessage.user(QUESTION), ChatMessage.assistant("5"),
                        ChatMessage.user(" And 2+4? ")), false));
    }

    @Test
    void llamaWritesTheFixedDateThroughStrftimeNow() throws IOException {
        // bos_token; empty system message; the header lines; then the user turn, content |trim; then the assistant
        // header. 5 March 2025 rather than the template's own fallback, to see that strftime_now("%d %b %Y") ran.
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\n"
                        + "Today Date: 05 Mar 2025\n\n"
                        + "<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+3?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                llama(FIXED_NOW).render(List.of(ChatMessage.user(QUESTION)), true));
    }

    @Test
    void llamaWithASystemPromptTrimsAndMovesItIntoTheHeader() throws IOException {
        // messages[0] is system: its trimmed content follows the date lines, and messages[1:] leaves only the user
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\n"
                        + "Today Date: 26 Jul 2024\n\n"
                        + "You are a careful calculator.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+3?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                llama(ChatTemplate.LLAMA_FALLBACK_DATE.atStartOfDay()).render(List.of(
                        ChatMessage.system("  You are a careful calculator.\n"), ChatMessage.user(" What is 2+3? \n")),
                        true));
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessage() {
        // Mixtral-8x7B-Instruct-v0.1's template: a system turn breaks user/assistant alternation
        ChatTemplate mixtral = ChatTemplate.of("{{ bos_token }}{% for message in messages %}{% if (message['role'] == "
                + "'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
                + "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + "
                + "message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + "
                + "eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}"
                + "{% endfor %}", Map.of("bos_token", "<s>", "eos_token", "</s>"), FIXED_NOW);
        assertEquals("<s>[INST] Hi [/INST]ok</s>[INST] Bye [/INST]", mixtral.render(List.of(ChatMessage.user("Hi"),
                ChatMessage.assistant("ok"), ChatMessage.user("Bye")), false));
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> mixtral.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), true));
        assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.getMessage());
        assertTrue(e.raisedByTemplate());
    }

    @Test
    void aTemplateJinjavaCannotEvaluateFailsLoudly() {
        ChatTemplate upper = ChatTemplate.of("{{ messages[0].content.upper() }}", Map.of(), FIXED_NOW);
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> upper.render(List.of(ChatMessage.user("hi")), false));
        assertFalse(e.raisedByTemplate());
        assertTrue(e.getMessage().contains("upper"), e.getMessage());
        // .strip() exists in Java's String with Python's meaning
        assertEquals("[hi]", ChatTemplate.of("[{{ messages[0].content.strip() }}]", Map.of(), FIXED_NOW)
                .render(List.of(ChatMessage.user("  hi \n")), false));
    }

    @Test
    void pythonStringEscapesAndTrailingNewline() {
        ChatTemplate t = ChatTemplate.of("{{ 'a\\tb\\x41\\u00e9\\\\n\\'' }}|{{ \"q\\\"\\101\" }}|"
                + "{% raw %}{{ '\\n' }}{% endraw %}\n", Map.of(), FIXED_NOW);
        assertEquals("a\tbAé\\n'|q\"A|{{ '\\n' }}", t.render(List.of(), false));
    }

    @Test
    void trimBlocksAndLstripBlocksAsInTransformers() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}\n    {% if m.role == 'user' %}\n"
                + "U:{{ m.content }}\n    {% endif %}\n{% endfor %}\n{# a note #}\nend", Map.of(), FIXED_NOW);
        assertEquals("U:a\nU:b\nend", t.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), false));
        // lstrip_blocks leaves the indentation of an expression alone (jinja2/lexer.py: "Not a variable expression")
        assertEquals("a\n    x\n", ChatTemplate.of("a\n    {{ 'x' }}\n    {% if true %}\n{% endif %}", Map.of(),
                FIXED_NOW).render(List.of(), false));
    }

    @Test
    void strftimeDirectives() {
        assertEquals("26 Jul 2024", Strftime.format("%d %b %Y", ChatTemplate.LLAMA_FALLBACK_DATE.atStartOfDay()));
        assertEquals("Wednesday March  5 14:07:09 064 25 02PM %",
                Strftime.format("%A %B %e %H:%M:%S %j %y %I%p %%", FIXED_NOW));
        assertThrows(IllegalArgumentException.class, () -> Strftime.format("%Q", FIXED_NOW));
    }

    @Test
    void namedTemplatesUseDefaultAndChatTemplateJinjaWins(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\", \"chat_template\": ["
                + "{\"name\": \"tool_use\", \"template\": \"tools\"},"
                + "{\"name\": \"default\", \"template\": \"{{ messages[0].content }}{{ eos_token }}\"}]}");
        assertEquals("hi</s>", ChatTemplate.fromModelFolder(dir, FIXED_NOW).orElseThrow()
                .render(List.of(ChatMessage.user("hi")), false));

        Files.writeString(dir.resolve(ChatTemplate.TEMPLATE_FILE), "[{{ messages[0].content }}]\n");
        assertEquals("[hi]", ChatTemplate.fromModelFolder(dir, FIXED_NOW).orElseThrow()
                .render(List.of(ChatMessage.user("hi")), false));
        Files.delete(dir.resolve(ChatTemplate.TEMPLATE_FILE));

        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"tools\"}]}");
        IOException e = assertThrows(IOException.class, () -> ChatTemplate.fromModelFolder(dir, FIXED_NOW));
        assertTrue(e.getMessage().contains("tokenizer_config.json: chat_template names [tool_use]"), e.getMessage());

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        assertTrue(ChatTemplate.fromModelFolder(dir, FIXED_NOW).isEmpty());
    }
}
