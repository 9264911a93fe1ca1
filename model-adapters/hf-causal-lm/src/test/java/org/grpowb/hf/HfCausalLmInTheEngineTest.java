package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grpowb.api.PolicyModel;
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
        Path folder = Files.createDirectories(dir.resolve("tiny-qwen"));
        Files.writeString(folder.resolve("config.json"), CONFIG);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            try (InputStream in = getClass().getResourceAsStream("/text/tiny-byte-bpe/" + f)) {
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

    @Test
    void aHuggingFaceFolderTrainsWithGrpoAndItsCheckpointReopens() throws Exception {
        Path model = modelFolder();
        Path project = dir.resolve("project");
        TestProjects.write(project, """
                name: tiny-hf
                data: {train: train.jsonl, eval: eval.jsonl}
                model: {name: hf-causal-lm, init: ../tiny-qwen, settings: {context: 32}}
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
