package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.core.testplugins.NanLossVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real runs of a tiny model: the store fills, bad plugins are contained, NaN losses stop the run resumably. */
class TrainingRunTest {

    private static final int STEPS = 200;

    @TempDir
    Path dir;

    @Test
    void aRunStoresStepsRolloutsAndTokenTracesAndLearns() throws Exception {
        Project p = EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(STEPS, "eval_every: 100, group_size: 8")), Map.of());
        List<RunEvent> events = new ArrayList<>();
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, events::add).start();
            assertEquals("done", s.status(), s.message());
            assertEquals(STEPS, s.steps());

            List<StepMetrics> metrics = store.metrics(s.runId());
            assertEquals(STEPS, metrics.size());
            StepRecord first = store.step(s.runId(), 1).orElseThrow();
            assertEquals(8, first.groups().size());
            for (GroupRecord g : first.groups()) {
                assertEquals(8, g.rollouts().size());
                for (RolloutRecord r : g.rollouts()) {
                    assertTrue(r.trace().length() >= 1);
                    assertEquals(r.completion(), decode(r.trace().tokenIds()));
                }
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                 ResultSet rs = c.createStatement().executeQuery(
                         "select count(*), sum(n_tokens) from token_traces t join rollouts r on r.id = t.rollout_id")) {
                rs.next();
                assertEquals(STEPS * 8 * 8, rs.getInt(1));
                assertTrue(rs.getInt(2) >= STEPS * 8 * 8);
            }
            assertEquals(List.of(0, 100, 200), store.evals(s.runId()).stream().map(e -> e.step()).toList());
            assertEquals(1 + STEPS + 3 + STEPS / 2 + 1, events.size(),
                    "started, steps, evals, checkpoints, finished: " + kinds(events));

            // The metric moved: exact-match reward over the last steps beats the first steps, and held-out accuracy rose.
            double early = metrics.subList(0, 40).stream().mapToDouble(StepMetrics::rewardMean).average().orElseThrow();
            double late = metrics.subList(STEPS - 40, STEPS).stream().mapToDouble(StepMetrics::rewardMean).average().orElseThrow();
            assertTrue(late > early + 0.08, "reward should rise: early " + early + ", late " + late);
            assertTrue(s.evalAccuracyAfter() > s.evalAccuracyBefore() + 0.1, s.toString());
        }
    }

    @Test
    void throwingAndHangingRewardsFailOnlyTheirRolloutsAndTheRunGoesOn() throws Exception {
        String rewards = "rewards:\n  - {name: exact_answer, weight: 1.0}\n  - {name: test_throwing, weight: 0.1}\n"
                + "  - {name: test_hanging, weight: 0.1}\n";
        Project p = EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, rewards,
                // containment alone: test_throwing fails on most rollouts, which would pause the run (RewardFailurePauseTest);
                // a 1 s time box, as the calls that return must fit in it on a loaded 2-core CI machine too
                TestProjects.training(2, "reward_timeout_ms: 1000, reward_failure_pause_share: 1")), Map.of());
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, null).start();
            assertEquals("done", s.status(), s.message());
            int failures = store.metrics(s.runId()).stream().mapToInt(StepMetrics::rewardFailures).sum();
            assertTrue(failures > 0, "some rollouts start with 0-4 or contain 7");
            StepRecord step = store.step(s.runId(), 1).orElseThrow();
            long flagged = 0;
            double throwing = 0;
            double hanging = 0;
            for (GroupRecord g : step.groups()) {
                for (RolloutRecord r : g.rollouts()) {
                    boolean throwsHere = !r.completion().isEmpty() && r.completion().charAt(0) <= '4'
                            && r.completion().charAt(0) >= '0';
                    boolean hangsHere = r.completion().contains("7");
                    assertEquals(throwsHere || hangsHere, r.rewardFailed(), "rollout '" + r.completion() + "'");
                    flagged += r.rewardFailed() ? 1 : 0;
                    throwing += throwsHere ? 1 : 0;
                    hanging += hangsHere ? 1 : 0;
                }
            }
            StepMetrics first = store.metrics(s.runId()).get(0);
            assertEquals(first.rewardFailures(), flagged);
            // each function's own count, for the Plugins view
            assertEquals(throwing, first.extra().getOrDefault("reward_failures.test_throwing", 0.0));
            assertEquals(hanging, first.extra().getOrDefault("reward_failures.test_hanging", 0.0));
        }
    }

    @Test
    void nonFiniteLossesAreSkippedRecordedAndStopTheRunWhichThenResumes() throws Exception {
        NanLossVariant.resetCalls();
        Project p = EngineFixture.project(dir, TestProjects.tinyYaml("variant: {name: test_nan, settings: {nan_after_calls: 3}}\n",
                TestProjects.EXACT, TestProjects.training(10, "max_nonfinite_in_a_row: 2")), Map.of());
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, null).start();
            assertEquals("failed", s.status());
            assertTrue(s.message().contains("non-finite"), s.message());
            List<StepMetrics> m = store.metrics(s.runId());
            assertEquals(5, m.size(), "3 good steps, then 2 skipped ones");
            assertFalse(m.get(2).skipped());
            assertTrue(m.get(3).skipped() && m.get(4).skipped());
            assertTrue(Double.isNaN(m.get(4).loss()));
            assertEquals("failed", store.run(s.runId()).orElseThrow().status());

            Project fixed = new org.grpowb.core.project.ProjectLoader(org.grpowb.core.plugin.PluginRegistry.discover())
                    .load(dir, Map.of("variant.settings.nan_after_calls", 1000));
            RunSummary r = new TrainingRun(fixed, store, null).resume(s.runId());
            assertEquals("done", r.status(), r.message());
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                    store.metrics(s.runId()).stream().map(StepMetrics::step).toList());
            int checkpoint = 4;
            assertTrue(store.metrics(s.runId()).stream().filter(x -> x.step() > checkpoint).noneMatch(StepMetrics::skipped),
                    "steps after the last checkpoint (step 4) were recomputed with the mended loss");
        }
    }

    private static String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id != 0) {
                sb.append(id == 1 ? '\n' : (char) (id - 2 + 32));
            }
        }
        return sb.toString();
    }

    private static List<String> kinds(List<RunEvent> events) {
        return events.stream().map(e -> e.getClass().getSimpleName()).toList();
    }
}
