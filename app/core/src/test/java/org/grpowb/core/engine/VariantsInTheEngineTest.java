package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Verdict;
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
                boolean mixed = g.rollouts().stream().anyMatch(r -> r.verdict() == Verdict.CORRECT)
                        && g.rollouts().stream().anyMatch(r -> r.verdict() != Verdict.CORRECT);
                for (RolloutRecord r : g.rollouts()) {
                    assertNotNull(r.trace().currentLogProbs(), "kept rollouts have π_θ log-probs");
                    assertNotNull(r.trace().clipped());
                    assertEquals(mixed, r.trace().thr() != null, "THR exists exactly in groups with a correct and a "
                            + "wrong rollout; elsewhere it is absent, not 0");
                    for (float x : r.trace().ratios()) {
                        assertEquals(1.0, x, 1e-3, "one update per batch: the ratio is 1 up to sampler/scorer noise");
                    }
                    if (r.trace().thr() != null && r.verdict() == Verdict.CORRECT
                            && g.rollouts().stream().filter(o -> o.verdict() == Verdict.CORRECT).count() == 1) {
                        for (float t : r.trace().thr()) {
                            withThr += t != 0 ? 1 : 0;
                        }
                    }
                }
            }
            assertTrue(withThr > 0, "the only correct completion of a group has non-zero THR (its own tokens count)");
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

    /** THR reweighting with p = 0.5 moves the stored advantage of dominant tokens only: the largest |THR| per group. */
    @Test
    void thrReweightingChangesOnlyTheDominantTokensAdvantages() throws Exception {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = train("grpo", TestProjects.training(6, "thr_reweight: 0.5"), store);
            int changed = 0;
            int kept = 0;
            for (int k = 1; k <= 6; k++) {
                for (GroupRecord g : store.step(s.runId(), k).orElseThrow().groups()) {
                    double smallestChanged = Double.POSITIVE_INFINITY;
                    double largestKept = 0;
                    for (RolloutRecord r : g.rollouts()) {
                        float[] adv = r.trace().advantages();
                        float[] thr = r.trace().thr();
                        for (int t = 0; t < adv.length; t++) {
                            float a = (float) r.advantage();
                            if (adv[t] == a) {
                                kept++;
                                largestKept = Math.max(largestKept, thr == null || a == 0 ? 0 : Math.abs(thr[t]));
                                continue;
                            }
                            changed++;
                            assertNotNull(thr, "only THR-bearing groups are reweighted");
                            float expected = (float) (r.advantage() * (1 + 0.5 * Math.signum(thr[t])));
                            assertEquals(expected, adv[t], 1e-5, "A (1 + p sgn THR)");
                            smallestChanged = Math.min(smallestChanged, Math.abs(thr[t]));
                        }
                    }
                    if (smallestChanged < Double.POSITIVE_INFINITY) {
                        assertTrue(smallestChanged > largestKept, "dominance is a threshold on |THR|: every reweighted "
                                + "token outweighs every token left alone (" + smallestChanged + " vs " + largestKept + ")");
                    }
                }
            }
            assertTrue(changed > 0, "some tokens are dominant");
            assertTrue(kept > changed, "most tokens are not: " + kept + " kept, " + changed + " changed");
        }
    }

    /** top_entropy_quantile ρ = 0.25: the top quarter of the trained tokens by entropy keep their advantage. */
    @Test
    void onlyTheTopEntropyQuantileCarriesAdvantage() throws Exception {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = train("grpo", TestProjects.training(3, "top_entropy_quantile: 0.25, thr: false"), store);
            for (int k = 1; k <= 3; k++) {
                StepRecord step = store.step(s.runId(), k).orElseThrow();
                double threshold = step.metrics().extra().get("entropy_threshold");
                int tokens = 0;
                int carrying = 0;
                int above = 0;
                for (GroupRecord g : step.groups()) {
                    for (RolloutRecord r : g.rollouts()) {
                        for (int t = 0; t < r.trace().length(); t++) {
                            tokens++;
                            boolean high = r.trace().entropies()[t] >= threshold;
                            carrying += high ? 1 : 0;
                            above += r.trace().entropies()[t] > threshold ? 1 : 0;
                            assertEquals(high ? (float) r.advantage() : 0f, r.trace().advantages()[t], 0f);
                        }
                    }
                }
                // the 0.75-quantile: at most a quarter strictly above it, at least a quarter at or above (ties: the
                // first tokens of a group share their prompt's distribution and so their entropy)
                assertTrue(above <= 0.25 * tokens + 1 && carrying >= 0.25 * tokens - 1,
                        "step " + k + ": " + above + " above, " + carrying + " at or above, of " + tokens);
                assertTrue(carrying < tokens / 2, "most tokens carry no advantage");
            }
        }
    }
}
