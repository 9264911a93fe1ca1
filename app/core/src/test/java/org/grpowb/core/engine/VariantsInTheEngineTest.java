package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's side of the variants: G + 1 sampling, dynamic sampling, per-token signals, THR and sign flips. */
class VariantsInTheEngineTest {

    @TempDir
    Path dir;

    private RunSummary train(String variant, String training, RunStore store) throws Exception {
        Project p = EngineFixture.project(dir, TestProjects.tinyYaml("variant: {name: " + variant + "}\n",
                TestProjects.EXACT, training), Map.of());
        RunSummary s = new TrainingRun(p, store, null).start();
        assertEquals("done", s.status(), s.message());
        return s;
    }

    @Test
    void everyTokenCarriesItsSignalsAndEveryStepItsFlipRateAndThrSummary() throws Exception {
        // 8 prompts a step over 200 examples: prompts come back from step 26 on, so running pass rates exist.
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = train("grpo", TestProjects.training(30, "eval_pass_k: 4"), store);
            List<StepMetrics> m = store.metrics(s.runId());
            for (StepMetrics x : m) {
                assertTrue(x.extra().containsKey("flip_rate"), x.extra().toString());
                assertTrue(x.extra().containsKey("thr_pos_mass") && x.extra().containsKey("thr_top_decile_share"));
            }
            StepRecord step = store.step(s.runId(), 30).orElseThrow();
            int withThr = 0;
            for (GroupRecord g : step.groups()) {
                for (RolloutRecord r : g.rollouts()) {
                    assertNotNull(r.trace().currentLogProbs(), "kept rollouts have π_θ log-probs");
                    assertNotNull(r.trace().clipped());
                    assertNotNull(r.trace().thr());
                    float[] ratio = r.trace().ratios();
                    for (float x : ratio) {
                        assertEquals(1.0, x, 1e-3, "one update per batch: the ratio is 1 up to float noise");
                    }
                    for (float t : r.trace().thr()) {
                        withThr += t != 0 ? 1 : 0;
                    }
                }
            }
            assertTrue(withThr > 0, "groups with a correct rollout give non-zero THR");
            var evals = store.evals(s.runId());
            assertEquals(4, evals.get(evals.size() - 1).k());
            assertTrue(evals.get(evals.size() - 1).passAtK() >= evals.get(evals.size() - 1).accuracy() - 0.2);
        }
    }

    @Test
    void mcGrpoSamplesGPlusOneAndMasksExactlyOnePivotPerGroup() throws Exception {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = train("mc_grpo", TestProjects.training(3, "group_size: 2"), store);
            for (GroupRecord g : store.step(s.runId(), 2).orElseThrow().groups()) {
                assertEquals(3, g.rollouts().size());
                assertEquals(1, g.rollouts().stream().filter(r -> !r.kept()).count());
            }
        }
    }

    @Test
    void dapoReplacesGroupsWhoseRewardsAreAllEqual() throws Exception {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = train("dapo", TestProjects.training(4, "max_resample_rounds: 3"), store);
            double dropped = 0;
            int informative = 0;
            int groups = 0;
            for (int step = 1; step <= 4; step++) {
                StepRecord r = store.step(s.runId(), step).orElseThrow();
                dropped += r.metrics().extra().getOrDefault("dropped_groups", 0.0);
                for (GroupRecord g : r.groups()) {
                    groups++;
                    informative += g.rollouts().stream().mapToDouble(RolloutRecord::reward).distinct().count() > 1 ? 1 : 0;
                }
            }
            assertTrue(informative >= groups - 2, informative + " of " + groups + " groups have differing rewards");
            assertTrue(dropped >= 0);
        }
    }
}
