package org.grpowb.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.store.RunStore;
import org.grpowb.hf.model.AdapterFolder;
import org.grpowb.hf.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRPO with LoRA through the real engine, on the tiny Qwen2-like folder of {@link HfCausalLmInTheEngineTest}: only the
 * adapters move, the base checkpoint stays as it was to the byte, the reference policy is the base (the adapters
 * switched off) at every step, and a run resumes from its adapter checkpoints.
 */
class LoraInTheEngineTest {

    private static final List<int[]> PROMPTS = List.of(new int[] {268, 51, 43}, new int[] {268, 60});
    private static final List<int[]> COMPLETIONS = List.of(new int[] {52, 53, 265}, new int[] {40, 41, 42, 43});

    @TempDir
    Path dir;

    @Test
    void grpoWithLoraMovesOnlyTheAdaptersAgainstTheBaseAsReferenceAndResumes() throws Exception {
        Path model = HfCausalLmInTheEngineTest.tinyQwen(dir);
        byte[] baseBytes = Files.readAllBytes(model.resolve("model.safetensors"));
        Path project = dir.resolve("project");
        TestProjects.write(project, """
                name: tiny-hf-lora
                data: {train: train.jsonl, eval: eval.jsonl}
                model:
                  name: hf-causal-lm
                  init: ../tiny-qwen
                  settings: {context: 32, prompt_format: raw, lora_rank: 4, lora_alpha: 8,
                             lora_target_modules: all-linear}
                variant: {name: ngrpo, settings: {beta: 0.02}}
                rewards:
                  - {name: exact_answer, weight: 1.0}
                  - {name: answer_format, weight: 0.5}
                training: {steps: 2, seed: 2, prompts_per_step: 2, group_size: 3, learning_rate: 0.01,
                           max_new_tokens: 4, eval_every: 0, eval_examples: 4, checkpoint_every: 1,
                           steps_per_generation: 1}
                """);
        ProjectLoader loader = new ProjectLoader(PluginRegistry.discover());
        Project p = loader.load(project, Map.of());
        HfCausalLmFactory factory = new HfCausalLmFactory();
        try (RunStore store = RunStore.open(project.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, null).start();
            assertEquals("done", s.status(), s.message());
            List<StepMetrics> metrics = store.metrics(s.runId());
            // k3 KL to the reference: exactly 0 while the adapters' B is 0, then positive once they moved
            assertEquals(0.0, metrics.get(0).kl(), "step 1: the policy is its base, the reference");
            assertTrue(metrics.get(1).kl() > 0, "step 2: the reference stayed the base: " + metrics.get(1).kl());

            Path start = Path.of(store.latestCheckpoint(s.runId()).orElseThrow().path()).resolveSibling("step-0")
                    .resolve("policy");
            Path end = Path.of(store.latestCheckpoint(s.runId()).orElseThrow().path()).resolve("policy");
            for (Path checkpoint : List.of(start, end)) {
                assertTrue(AdapterFolder.isAdapter(checkpoint), checkpoint + " is an adapter folder");
                assertFalse(Files.exists(checkpoint.resolve("model.safetensors")), "no copy of the base");
            }
            assertArrayEquals(baseBytes, Files.readAllBytes(model.resolve("model.safetensors")),
                    "the base checkpoint is untouched");
            int movedA = 0;
            int movedB = 0;
            try (SafetensorsFile before = new SafetensorsFile(start.resolve(AdapterFolder.WEIGHTS_FILE));
                 SafetensorsFile after = new SafetensorsFile(end.resolve(AdapterFolder.WEIGHTS_FILE))) {
                assertEquals(2 * 2 * 7, after.names().size());
                for (String name : before.names()) {
                    float[] a = before.readFloats(name);
                    float[] b = after.readFloats(name);
                    if (name.contains("lora_B")) {
                        assertArrayEquals(new float[a.length], a, 0f, name + " starts at 0");
                    }
                    if (!Arrays.equals(a, b)) {
                        movedA += name.contains("lora_A") ? 1 : 0;
                        movedB += name.contains("lora_B") ? 1 : 0;
                    }
                }
            }
            assertEquals(14, movedB, "every B moved");
            assertTrue(movedA > 0, "A moves once B is not 0");

            Settings full = Settings.resolve(factory.settings(), Map.of("context", 32, "prompt_format", "raw"), "test");
            try (NDManager m = NDManager.newBaseManager();
                 PolicyModel base = factory.load(m, model, full);
                 PolicyModel trained = factory.load(m, end);
                 PolicyModel reference = trained.reference()) {
                float[] baseScores = base.score(m, PROMPTS, COMPLETIONS).logProbs().toFloatArray();
                assertArrayEquals(baseScores, reference.score(m, PROMPTS, COMPLETIONS).logProbs().toFloatArray(), 0f,
                        "after training the reference is still the base model");
                assertFalse(Arrays.equals(baseScores,
                        trained.score(m, PROMPTS, COMPLETIONS).logProbs().toFloatArray()), "the policy moved");
            }

            // two more steps, resumed from the step-2 adapter checkpoint
            Project longer = loader.load(project, Map.of("training.steps", 4));
            RunSummary r = new TrainingRun(longer, store, null).resume(s.runId());
            assertEquals("done", r.status(), r.message());
            List<StepMetrics> all = store.metrics(s.runId());
            assertEquals(List.of(1, 2, 3, 4), all.stream().map(StepMetrics::step).toList());
            assertTrue(all.get(2).kl() > 0, "the resumed run's reference is the base, not the resumed policy: "
                    + all.get(2).kl());
            assertArrayEquals(baseBytes, Files.readAllBytes(model.resolve("model.safetensors")));
        }
    }
}
