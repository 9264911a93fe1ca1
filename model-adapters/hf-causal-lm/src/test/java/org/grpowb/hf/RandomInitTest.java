package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grpowb model init}: random weights as transformers initialises this family. */
class RandomInitTest {

    private static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
             "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 128,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "vocab_size": 288, "tie_word_embeddings": true,
             "use_sliding_window": false, "eos_token_id": 265, "initializer_range": 0.05}
            """;

    @TempDir
    Path dir;

    private Path tokenizer() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("tokenizer"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            try (InputStream in = getClass().getResourceAsStream("/text/tiny-byte-bpe/" + f)) {
                Files.copy(in, folder.resolve(f));
            }
        }
        return folder;
    }

    @Test
    void weightsFollowTheConfigsInitializerRangeAndTheSameSeedGivesTheSameFolder() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), CONFIG);
        Path tokenizer = tokenizer();
        RandomInit.write(config, tokenizer, dir.resolve("a"), 7, Dtype.F32);
        RandomInit.write(config, tokenizer, dir.resolve("b"), 7, Dtype.F32);
        RandomInit.write(config, tokenizer, dir.resolve("c"), 8, Dtype.BF16);
        assertTrue(Files.isRegularFile(dir.resolve("a/tokenizer.json")));
        try (SafetensorsCheckpoint a = SafetensorsCheckpoint.open(dir.resolve("a"));
             SafetensorsCheckpoint b = SafetensorsCheckpoint.open(dir.resolve("b"));
             SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir.resolve("c"))) {
            float[] embedding = a.readFloats("model.embed_tokens.weight");
            double sum = 0;
            double sq = 0;
            for (float x : embedding) {
                sum += x;
                sq += x * x;
            }
            double mean = sum / embedding.length;
            double std = Math.sqrt(sq / embedding.length - mean * mean);
            assertEquals(0.0, mean, 0.005, "N(0, σ²)");
            assertEquals(0.05, std, 0.005, "σ = the config's initializer_range");
            for (float x : a.readFloats("model.layers.1.post_attention_layernorm.weight")) {
                assertEquals(1f, x, 0f, "RMSNorm weights start at 1");
            }
            for (float x : a.readFloats("model.layers.0.self_attn.q_proj.bias")) {
                assertEquals(0f, x, 0f, "biases start at 0");
            }
            assertArrayEquals(embedding, b.readFloats("model.embed_tokens.weight"), 0f, "same seed, same weights");
            assertEquals(Dtype.BF16, c.dtype());
            assertTrue(!java.util.Arrays.equals(embedding, c.readFloats("model.embed_tokens.weight")));
        }
        try (var m = ai.djl.ndarray.NDManager.newBaseManager();
             var policy = new HfCausalLmFactory().load(m, dir.resolve("a"))) {
            assertEquals(128, policy.contextLength(), "a foreign folder opens within its max_position_embeddings");
            assertEquals(1, policy.sample(List.of(policy.encodePrompt("3+4=")), 2,
                    new org.grpowb.api.SamplingSettings(1, 1, 4, true), 1).size());
        }
    }
}
