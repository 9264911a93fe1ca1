package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.grpowb.api.MemoryNeeds;
import org.grpowb.api.Settings;
import org.grpowb.core.TestProjects;
import org.grpowb.core.engine.MemoryPlan;
import org.grpowb.core.engine.TrainingRun;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.store.RunStore;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfigReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad model folder or a run too large for memory stops before a run is created, naming the file and tensor or key
 * at fault, or giving the estimate and the knobs; nothing is stored.
 */
class PreflightTest {

    @TempDir
    Path dir;

    private Project project(String settings) throws Exception {
        Path project = dir.resolve("project");
        TestProjects.write(project, """
                name: preflight
                data: {train: train.jsonl, eval: eval.jsonl}
                model: {name: hf-causal-lm, init: ../tiny-qwen, settings: {%s}}
                variant: {name: grpo}
                rewards: [{name: exact_answer, weight: 1.0}]
                training: {steps: 1, prompts_per_step: 2, group_size: 2, max_new_tokens: 4, eval_examples: 2}
                """.formatted(settings));
        return new ProjectLoader(PluginRegistry.discover()).load(project, Map.of());
    }

    private void assertRefusedBeforeARun(Project p, Class<? extends Exception> type, String... inMessage)
            throws Exception {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            Exception e = assertThrows(type, () -> new TrainingRun(p, store, null).start());
            for (String part : inMessage) {
                assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
            }
            assertEquals(0, store.runs().size(), "no run was created");
        }
    }

    @Test
    void aTruncatedWeightsFileStopsBeforeARunNamingTheFile() throws Exception {
        Path model = HfCausalLmInTheEngineTest.tinyQwen(dir);
        Path weights = model.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        assertRefusedBeforeARun(project("context: 32, prompt_format: raw"), IllegalArgumentException.class,
                weights.toString());
    }

    @Test
    void aTokenizerLargerThanTheEmbeddingStopsBeforeARun() throws Exception {
        Path model = HfCausalLmInTheEngineTest.tinyQwen(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(model.resolve("config.json").toFile());
        // 273 tokenizer ids, 272 embedding rows: the weights are rewritten to agree with the config
        config.put("vocab_size", 272);
        Files.writeString(model.resolve("config.json"), config.toString());
        sparseWeights(model);
        assertRefusedBeforeARun(project("context: 32, prompt_format: raw"), IllegalArgumentException.class,
                "tokenizer.json", "273 ids", "272 rows");
    }

    @Test
    void aConfigThatContradictsItsWeightsStopsBeforeARunNamingTheTensor() throws Exception {
        Path model = HfCausalLmInTheEngineTest.tinyQwen(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(model.resolve("config.json").toFile());
        config.put("tie_word_embeddings", true);
        Files.writeString(model.resolve("config.json"), config.toString());
        assertRefusedBeforeARun(project("context: 32, prompt_format: raw"), IllegalArgumentException.class,
                "lm_head.weight", "tie_word_embeddings true");
    }

    /**
     * Llama-3.2-1B's shapes (weights in a sparse file: read only from its header) in full fine-tuning need about
     * 1.24 B · 20 bytes; under LoRA the same folder needs a fifth of that.
     */
    @Test
    void aRunTooLargeForMemoryIsRefusedWithTheEstimateAndLoraFits() throws Exception {
        Path model = Files.createDirectories(dir.resolve("tiny-qwen"));
        Files.writeString(model.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 2048,
                 "intermediate_size": 8192, "num_hidden_layers": 16, "num_attention_heads": 32,
                 "num_key_value_heads": 8, "head_dim": 64, "max_position_embeddings": 131072, "rms_norm_eps": 1e-05,
                 "rope_theta": 500000.0, "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0,
                 "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                 "vocab_size": 128256, "tie_word_embeddings": true, "bos_token_id": 268, "eos_token_id": 265}
                """);
        for (String f : java.util.List.of("tokenizer.json", "tokenizer_config.json")) {
            try (var in = getClass().getResourceAsStream("/text/tiny-byte-bpe/" + f)) {
                Files.copy(in, model.resolve(f));
            }
        }
        sparseWeights(model);
        Project full = project("context: 1024, prompt_format: raw");
        MemoryNeeds needs = full.model().factory().memoryNeeds(full.model().init(), full.model().settings())
                .orElseThrow();
        assertEquals(1_235_814_400L, needs.parameters(), "Llama-3.2-1B's published count");
        long available = MemoryPlan.available(ai.djl.Device.cpu());
        if (20 * needs.parameters() > available) {
            assertRefusedBeforeARun(full, IllegalStateException.class, "will not fit in memory", "lora_rank",
                    "micro_batch_tokens");
        }
        Project lora = project("context: 1024, prompt_format: raw, lora_rank: 16");
        MemoryNeeds adapters = lora.model().factory().memoryNeeds(lora.model().init(), lora.model().settings())
                .orElseThrow();
        MemoryPlan plan = MemoryPlan.of(adapters, true, 2048, 4, 1024, available, "cpu");
        assertEquals(0, plan.reference(), "the reference is the base itself");
        assertTrue(plan.optimizer() < needs.parameters() / 10, plan.describe());
    }

    /** model.safetensors for the folder's config as a header and a sparse zero-filled data region. */
    private static void sparseWeights(Path model) throws Exception {
        ObjectNode header = new ObjectMapper().createObjectNode();
        long offset = 0;
        for (ExpectedWeights.Tensor t : ExpectedWeights.of(HfConfigReader.read(model)).tensors()) {
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", "BF16");
            var shape = entry.putArray("shape");
            for (long s : t.shape()) {
                shape.add(s);
            }
            var offsets = entry.putArray("data_offsets");
            offsets.add(offset);
            offset += 2 * t.size();
            offsets.add(offset);
        }
        byte[] text = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        Path file = model.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            byte[] h = new byte[padded];
            java.util.Arrays.fill(h, (byte) ' ');
            System.arraycopy(text, 0, h, 0, text.length);
            f.write(h);
            f.setLength(8 + padded + offset);
        }
    }
}
