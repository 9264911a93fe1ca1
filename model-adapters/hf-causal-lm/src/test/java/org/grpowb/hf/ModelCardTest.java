package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.api.ModelCard;
import org.grpowb.hf.safetensors.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a window shows of a model folder before a project is made around it: {@code HfCausalLmFactory.inspect}. */
class ModelCardTest {

    private static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
             "intermediate_size": 48, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 64, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "vocab_size": 288,
             "tie_word_embeddings": true, "use_sliding_window": false}
            """;

    @TempDir
    Path dir;

    private Path folder(boolean withTokenizer) throws IOException {
        Path tokenizer = Files.createDirectories(dir.resolve("tokenizer"));
        if (withTokenizer) {
            for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
                try (InputStream in = getClass().getResourceAsStream("/text/tiny-byte-bpe/" + f)) {
                    Files.copy(in, tokenizer.resolve(f));
                }
            }
        }
        Path out = dir.resolve(withTokenizer ? "model" : "bare");
        RandomInit.write(Files.writeString(dir.resolve("config.json"), CONFIG), tokenizer, out, 3, Dtype.BF16);
        return out;
    }

    @Test
    void aFolderIsDescribedFromItsHeaders() throws IOException {
        ModelCard card = new HfCausalLmFactory().inspect(folder(true)).orElseThrow();
        // embedding 288 × 32 (tied) + final norm 32 + one block: q 32·32+32, k and v 32·16+16 each, o 32·32,
        // gate, up, down 3·32·48, two norms 2·32
        long block = (32 * 32 + 32) + 2 * (32 * 16 + 16) + 32 * 32 + 3 * 32 * 48 + 2 * 32;
        assertEquals(288 * 32 + 32 + block, card.parameters());
        assertEquals("qwen2 · 1 layer · 32 wide · 17.1 k params · BF16", card.line());
        assertEquals(64, card.maxPositions());
        assertTrue(card.tokenizer());
        assertTrue(card.problems().isEmpty(), card.problems().toString());
    }

    @Test
    void aFolderWithoutATokenizerSaysSoNamingTheFile() throws IOException {
        ModelCard card = new HfCausalLmFactory().inspect(folder(false)).orElseThrow();
        assertFalse(card.tokenizer());
        assertEquals(1, card.problems().size());
        assertTrue(card.problems().get(0).contains("tokenizer.json"), card.problems().get(0));
    }

    @Test
    void whatIsNotAModelFolderFailsNamingTheFile() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException none = assertThrows(IOException.class, () -> new HfCausalLmFactory().inspect(empty));
        assertTrue(none.getMessage().contains(empty.resolve("config.json").toString()), none.getMessage());

        Path gpt2 = Files.createDirectories(dir.resolve("gpt2"));
        Files.writeString(gpt2.resolve("config.json"), CONFIG.replace("\"qwen2\"", "\"gpt2\""));
        IOException unsupported = assertThrows(IOException.class, () -> new HfCausalLmFactory().inspect(gpt2));
        assertTrue(unsupported.getMessage().contains("config.json") && unsupported.getMessage().contains("gpt2"),
                unsupported.getMessage());

        Path noWeights = Files.createDirectories(dir.resolve("no-weights"));
        Files.writeString(noWeights.resolve("config.json"), CONFIG);
        IOException weights = assertThrows(IOException.class, () -> new HfCausalLmFactory().inspect(noWeights));
        assertTrue(weights.getMessage().contains("model.safetensors"), weights.getMessage());
    }
}
