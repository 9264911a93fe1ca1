package org.grpowb.hf.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.grpowb.hf.text.ChatTemplateTest.FIXED_NOW;
import static org.grpowb.hf.text.HfTokenizerCodecTest.BEGIN_OF_TEXT;
import static org.grpowb.hf.text.HfTokenizerCodecTest.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Prompts rendered with the real Llama 3.2 and Qwen2.5 templates, encoded with the tiny byte-level tokenizer. */
class PromptFormatTest {

    static final int START_HEADER = 269;

    static HfTokenizerCodec codec;

    @BeforeAll
    static void load() throws IOException {
        codec = HfTokenizerCodec.load(resource("text/tiny-byte-bpe"));
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    @Test
    void llamaChatPromptsStartWithExactlyOneBos() throws IOException {
        PromptFormat chat = PromptFormat.of(PromptFormat.Kind.CHAT, ChatTemplateTest.llama(FIXED_NOW), null,
                codec.bosPrefix());
        String rendered = chat.render("2+3=");
        assertEquals("<|begin_of_text|><|start_header_id|>system", rendered.substring(0, 42));
        int[] ids = chat.encode("2+3=", codec);
        assertEquals(BEGIN_OF_TEXT, ids[0]);
        assertEquals(START_HEADER, ids[1]);
        assertEquals(1, Arrays.stream(ids).filter(id -> id == BEGIN_OF_TEXT).count());
        assertEquals(rendered, codec.decode(ids));
        // what encoding with the tokenizer's special tokens would have done: two BOS in a row
        try (HuggingFaceTokenizer withSpecial = HuggingFaceTokenizer.builder()
                .optTokenizerPath(resource("text/tiny-byte-bpe/tokenizer.json")).build()) {
            long[] doubled = withSpecial.encode(rendered, true, false).getIds();
            assertArrayEquals(new long[] {BEGIN_OF_TEXT, BEGIN_OF_TEXT, START_HEADER}, Arrays.copyOf(doubled, 3));
        }
    }

    @Test
    void qwenChatPromptWithAndWithoutSystemPrompt() throws IOException {
        ChatTemplate qwen = ChatTemplateTest.qwen();
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\n2+3=<|im_end|>\n<|im_start|>assistant\n",
                PromptFormat.of(PromptFormat.Kind.CHAT, qwen, null, "").render("2+3="));
        assertEquals("<|im_start|>system\nAnswer with a number.<|im_end|>\n"
                        + "<|im_start|>user\n2+3=<|im_end|>\n<|im_start|>assistant\n",
                PromptFormat.of(PromptFormat.Kind.CHAT, qwen, "Answer with a number.", "").render("2+3="));
    }

    @Test
    void rawPromptsGetTheTokenizersBosOnce() {
        PromptFormat raw = PromptFormat.of(PromptFormat.Kind.RAW, null, null, codec.bosPrefix());
        assertEquals("<|begin_of_text|>2+3=", raw.render("2+3="));
        assertEquals("<|begin_of_text|>2+3=", raw.render("<|begin_of_text|>2+3="));
        assertArrayEquals(new int[] {BEGIN_OF_TEXT, '2', '+', '3', '='}, raw.encode("2+3=", codec));
        // a tokenizer that adds no BOS (Qwen2.5) leaves the text alone
        assertEquals("2+3=", PromptFormat.of(PromptFormat.Kind.RAW, null, null, "").render("2+3="));
    }

    @Test
    void projectSettingsAreChecked() throws IOException {
        assertEquals(PromptFormat.Kind.CHAT, PromptFormat.Kind.parse("chat"));
        assertEquals(PromptFormat.Kind.RAW, PromptFormat.Kind.parse("raw"));
        assertThrows(IllegalArgumentException.class, () -> PromptFormat.Kind.parse("Chat"));
        assertThrows(IllegalArgumentException.class,
                () -> PromptFormat.of(PromptFormat.Kind.CHAT, null, null, ""));
        ChatTemplate qwen = ChatTemplateTest.qwen();
        assertThrows(IllegalArgumentException.class,
                () -> PromptFormat.of(PromptFormat.Kind.RAW, qwen, "Be brief.", ""));
    }
}
