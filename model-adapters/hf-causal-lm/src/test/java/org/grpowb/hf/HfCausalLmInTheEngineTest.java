package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.Settings;
import org.grpowb.core.TestProjects;
import org.grpowb.core.engine.RunSummary;
import org.grpowb.core.engine.TrainingRun;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfigReader;
import org.grpowb.hf.reference.TinyModels;
import org.grpowb.hf.safetensors.Dtype;
import org.grpowb.hf.safetensors.SafetensorsCheckpoint;
import org.grpowb.hf.safetensors.SafetensorsWriter;
import org.grpowb.hf.text.ChatTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model: {name: hf-causal-lm, init: folder}} trains through the real engine: a tiny randomly initialised
 * Qwen2-like checkpoint (GQA, q/k/v biases, a byte-level BPE tokenizer of 273 ids under an embedding padded to 288
 * rows, two stop ids) runs GRPO steps, is checkpointed in transformers' layout, and its checkpoint reopens with
 * weights that training moved. The variant is NGRPO because a random model's groups are all wrong, and NGRPO's
 * calibration gives an all-wrong group a gradient where GRPO's would be zero.
 */
class HfCausalLmInTheEngineTest {

    private static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
             "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 256,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "vocab_size": 288, "tie_word_embeddings": false,
             "use_sliding_window": false, "bos_token_id": 268, "eos_token_id": 265, "torch_dtype": "bfloat16"}
            """;

    @TempDir
    Path dir;

    /** The folder a transformers user would have: config, bf16 weights, the tokenizer's files. */
    private Path modelFolder() throws IOException {
        return tinyQwen(dir);
    }

    /** That folder, as {@code dir/tiny-qwen}. */
    static Path tinyQwen(Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("tiny-qwen"));
        Files.writeString(folder.resolve("config.json"), CONFIG);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            try (InputStream in = HfCausalLmInTheEngineTest.class.getResourceAsStream("/text/tiny-byte-bpe/" + f)) {
                Files.copy(in, folder.resolve(f));
            }
        }
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (ExpectedWeights.Tensor t : ExpectedWeights.of(HfConfigReader.read(folder)).tensors()) {
            double[] w = TinyModels.weight(t.name(), t.shape());
            float[] f = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                f[i] = (float) w[i];
            }
            tensors.add(SafetensorsWriter.Tensor.of(t.name(), t.shape(), f));
        }
        new SafetensorsWriter(Dtype.BF16, SafetensorsWriter.PT_METADATA).write(folder.resolve("model.safetensors"),
                tensors);
        return folder;
    }

    /**
     * {@code prompt_format: chat} gives the model Qwen2.5's ChatML turn (its template, from the public
     * tokenizer_config.json, inserts its default system prompt when none is given); {@code raw} the bare text; a
     * checkpoint reopens with the format it was trained with.
     */
    @Test
    void chatPromptsAreTheChatTemplatesTurnAndCheckpointsKeepTheirFormat() throws Exception {
        Path model = modelFolder();
        try (InputStream in = getClass().getResourceAsStream("/text/qwen2.5-instruct/tokenizer_config.json")) {
            String template = new ObjectMapper().readTree(in).path("chat_template").asText();
            Files.writeString(model.resolve(ChatTemplate.TEMPLATE_FILE), template);
        }
        String chatml = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant."
                + "<|im_end|>\n<|im_start|>user\n3+4=<|im_end|>\n<|im_start|>assistant\n";
        HfCausalLmFactory factory = new HfCausalLmFactory();
        try (NDManager m = NDManager.newBaseManager();
             PolicyModel chat = factory.load(m, model, Settings.resolve(factory.settings(),
                     Map.of("context", 64, "prompt_format", "chat"), "test"));
             PolicyModel raw = factory.load(m, model, Settings.resolve(factory.settings(),
                     Map.of("context", 64, "prompt_format", "raw"), "test"));
             PolicyModel auto = factory.load(m, model, Settings.resolve(factory.settings(), Map.of("context", 64),
                     "test"))) {
            int[] expected = chat.codec().encode(chatml);
            // a stored run's tokenizer, from its model folder alone (what `grpowb show` and the window decode with)
            assertArrayEquals(expected, factory.codec(Settings.resolve(factory.settings(), Map.of(), "test"), model)
                    .encode(chatml));
            assertThrows(IllegalArgumentException.class,
                    () -> factory.codec(Settings.resolve(factory.settings(), Map.of(), "test")));
            assertArrayEquals(expected, chat.encodePrompt("3+4="));
            assertEquals(266, expected[0], "one <|im_start|>, no BOS before it");
            // this fixture's tokenizer puts <|begin_of_text|> (268) before a document: raw gets exactly one
            int[] text = raw.codec().encode("3+4=");
            int[] withBos = new int[text.length + 1];
            withBos[0] = 268;
            System.arraycopy(text, 0, withBos, 1, text.length);
            assertArrayEquals(withBos, raw.encodePrompt("3+4="));
            assertArrayEquals(withBos, raw.encodePrompt("<|begin_of_text|>3+4="), "never a doubled BOS");
            assertArrayEquals(expected, auto.encodePrompt("3+4="), "auto: chat when the folder has a template");
            Path saved = dir.resolve("saved");
            chat.save(saved);
            try (PolicyModel reopened = factory.load(m, saved)) {
                assertArrayEquals(expected, reopened.encodePrompt("3+4="));
                assertEquals(64, reopened.contextLength());
            }
        }
        // chat without a template is refused, naming the folder
        Files.delete(model.resolve(ChatTemplate.TEMPLATE_FILE));
        try (NDManager m = NDManager.newBaseManager()) {
            Exception e = assertThrows(IllegalArgumentException.class, () -> factory.load(m, model,
                    Settings.resolve(factory.settings(), Map.of("prompt_format", "chat", "context", 64), "test")));
            assertTrue(e.getMessage().contains(model.toString()) && e.getMessage().contains("raw"), e.getMessage());
        }
    }

    /** {@code system_prompt} is the chat template's system turn (replacing Qwen's default) and is saved with checkpoints. */
    @Test
    void aSystemPromptIsTheChatTemplatesSystemTurnAndCheckpointsKeepIt() throws Exception {
        Path model = modelFolder();
        try (InputStream in = getClass().getResourceAsStream("/text/qwen2.5-instruct/tokenizer_config.json")) {
            String template = new ObjectMapper().readTree(in).path("chat_template").asText();
            Files.writeString(model.resolve(ChatTemplate.TEMPLATE_FILE), template);
        }
        String chatml = "<|im_start|>system\nAnswer with a number.<|im_end|>\n<|im_start|>user\n3+4=<|im_end|>\n"
                + "<|im_start|>assistant\n";
        HfCausalLmFactory factory = new HfCausalLmFactory();
        try (NDManager m = NDManager.newBaseManager();
             PolicyModel chat = factory.load(m, model, Settings.resolve(factory.settings(), Map.of("context", 64,
                     "prompt_format", "chat", "system_prompt", "Answer with a number."), "test"))) {
            int[] expected = chat.codec().encode(chatml);
            assertArrayEquals(expected, chat.encodePrompt("3+4="));
            Path saved = dir.resolve("saved");
            chat.save(saved);
            try (PolicyModel reopened = factory.load(m, saved)) {
                assertArrayEquals(expected, reopened.encodePrompt("3+4="));
            }
            Exception raw = assertThrows(IllegalArgumentException.class, () -> factory.load(m, model,
                    Settings.resolve(factory.settings(), Map.of("context", 64, "prompt_format", "raw",
                            "system_prompt", "Answer with a number."), "test")));
            assertTrue(raw.getMessage().contains("system_prompt"), raw.getMessage());
        }
    }

    @Test
    void aHuggingFaceFolderTrainsWithGrpoAndItsCheckpointReopens() throws Exception {
        Path model = modelFolder();
        Path project = dir.resolve("project");
        TestProjects.write(project, """
                name: tiny-hf
                data: {train: train.jsonl, eval: eval.jsonl}
                model: {name: hf-causal-lm, init: ../tiny-qwen, settings: {context: 32, prompt_format: raw}}
                variant: {name: ngrpo, settings: {beta: 0.02}}
                rewards:
                  - {name: exact_answer, weight: 1.0}
                  - {name: answer_format, weight: 0.5}
                training: {steps: 3, seed: 2, prompts_per_step: 2, group_size: 3, learning_rate: 0.01,
                           max_new_tokens: 4, eval_every: 0, eval_examples: 4, checkpoint_every: 3,
                           steps_per_generation: 2}
                """);
        Project p = new ProjectLoader(PluginRegistry.discover()).load(project, Map.of());
        try (RunStore store = RunStore.open(project.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, null).start();
            assertEquals("done", s.status(), s.message());
            for (int k = 1; k <= 3; k++) {
                StepRecord step = store.step(s.runId(), k).orElseThrow();
                StepMetrics m = step.metrics();
                assertTrue(Double.isFinite(m.loss()), "step " + k + " loss " + m.loss());
                for (GroupRecord g : step.groups()) {
                    assertEquals(3, g.rollouts().size());
                    for (RolloutRecord r : g.rollouts()) {
                        for (int id : r.trace().tokenIds()) {
                            assertTrue(id < 273, "the embedding's padding rows are never sampled: " + id);
                        }
                    }
                }
            }
            Path checkpoint = Path.of(store.latestCheckpoint(s.runId()).orElseThrow().path()).resolve("policy");
            assertTrue(Files.isRegularFile(checkpoint.resolve("tokenizer.json")), "saved in transformers' layout");
            try (SafetensorsCheckpoint before = SafetensorsCheckpoint.open(model);
                 SafetensorsCheckpoint after = SafetensorsCheckpoint.open(checkpoint);
                 NDManager m = NDManager.newBaseManager();
                 PolicyModel reopened = new HfCausalLmFactory().load(m, checkpoint)) {
                assertEquals(Dtype.BF16, after.dtype(), "a bf16 model is checkpointed as bf16");
                assertEquals(32, reopened.contextLength(), "the context is saved with the weights");
                String q = "model.layers.0.self_attn.q_proj.weight";
                assertFalse(Arrays.equals(before.readFloats(q), after.readFloats(q)), "training moved the weights");
            }
        }
    }
}
