package org.grpowb.core.store;

import static org.grpowb.core.store.StepFixtures.assertSameStep;
import static org.grpowb.core.store.StepFixtures.count;
import static org.grpowb.core.store.StepFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {

    @TempDir
    Path dir;

    Path file;
    RunStore store;
    long runId;

    @BeforeEach
    void open() {
        file = dir.resolve("runs").resolve("store.db"); // the folder does not exist yet
        store = RunStore.open(file);
        runId = store.createRun("arith", "grpo", 42, "{\"lr\":1e-5}");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void stepWithTwoGroupsOfThreeRolloutsComesBackAsItWent() {
        StepRecord step = StepFixtures.step(runId, 4, 2, 3, 16); // step 4: update skipped, loss NaN
        assertTrue(Double.isNaN(step.metrics().loss()));

        store.appendStep(step);
        StepRecord back = store.step(runId, 4).orElseThrow();

        assertSameStep(step, back);
        assertTrue(Double.isNaN(back.metrics().loss()), "NaN loss survives SQLite's NULL");
        assertTrue(Double.isNaN(back.metrics().extra().get("grad_norm")), "NaN in the extra map survives JSON");
        assertTrue(back.metrics().skipped());
        RolloutRecord second = back.groups().get(1).rollouts().get(1);
        assertEquals(Verdict.INCORRECT, second.verdict());
        assertEquals(Map.of("correct", 0.0, "format", 0.5), second.rewards());
        assertEquals(List.of("correct", "format"), List.copyOf(second.rewards().keySet()), "component order kept");
        assertEquals(17, second.trace().length());
        assertEquals(Float.NEGATIVE_INFINITY, second.trace().logProbs()[16]);
        assertEquals(6, count(file, "SELECT COUNT(*) FROM token_traces"), "one trace row per rollout, not per token");
    }

    @Test
    void emptyTracesMissingTracesNullVerdictsAndNaNRewardsRoundTrip() {
        TokenTrace empty = new TokenTrace(new int[0], new float[0], new float[0], new float[0]);
        List<RolloutRecord> rollouts = List.of(
                new RolloutRecord(0, "", Double.NaN, Map.of(), true, null, Double.NaN, false, true, empty),
                new RolloutRecord(1, "no trace", 1.0, Map.of("correct", 1.0), false, Verdict.CORRECT, 0.0, true,
                        false, null));
        StepRecord step = new StepRecord(runId, StepFixtures.metrics(1),
                List.of(new GroupRecord(0, null, "prompt", null, Double.NaN, rollouts)));

        store.appendStep(step);

        assertSameStep(step, store.step(runId, 1).orElseThrow());
    }

    @Test
    void metricsComeByStepAndRunsReportTheLastStep() {
        for (int s : new int[] {3, 1, 2}) {
            store.appendStep(StepFixtures.step(runId, s, 1, 2, 4));
        }
        long other = store.createRun("arith", "dr-grpo", 7, "{}");

        List<StepMetrics> metrics = store.metrics(runId);

        assertEquals(List.of(1, 2, 3), metrics.stream().map(StepMetrics::step).toList());
        assertEquals(StepFixtures.metrics(2), metrics.get(1));
        List<RunInfo> runs = store.runs();
        assertEquals(List.of(other, runId), runs.stream().map(RunInfo::id).toList(), "newest first");
        assertEquals(0, runs.get(0).lastStep());
        assertEquals(3, runs.get(1).lastStep());
        RunInfo run = store.run(runId).orElseThrow();
        assertEquals("arith", run.project());
        assertEquals("grpo", run.variant());
        assertEquals(42, run.seed());
        assertEquals("running", run.status());
        assertEquals("{\"lr\":1e-5}", run.configJson());
        assertTrue(run.createdAt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), run.createdAt());
        assertEquals(Optional.empty(), store.run(999));
        assertEquals(Optional.empty(), store.step(runId, 9));
    }

    @Test
    void statusChangesAndRejectsUnknownStatusesAndRuns() {
        store.setStatus(runId, "done");
        assertEquals("done", store.run(runId).orElseThrow().status());
        assertThrows(IllegalArgumentException.class, () -> store.setStatus(runId, "finished"));
        assertThrows(IllegalArgumentException.class, () -> store.setStatus(999, "done"));
    }

    @Test
    void appendingAStepTwiceThrowsAndLeavesTheFirstIntact() {
        StepRecord first = StepFixtures.step(runId, 1, 2, 3, 8);
        store.appendStep(first);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.appendStep(StepFixtures.step(runId, 1, 5, 5, 8)));

        assertTrue(e.getMessage().contains("already has step 1"), e.getMessage());
        assertSameStep(first, store.step(runId, 1).orElseThrow());
        assertEquals(2, count(file, "SELECT COUNT(*) FROM \"groups\""));
        assertEquals(6, count(file, "SELECT COUNT(*) FROM rollouts"));
    }

    @Test
    void aStepIsWholeOrAbsent() {
        // two groups with the same index violate groups_by_step after the first group is already inserted
        StepRecord ok = StepFixtures.step(runId, 1, 1, 3, 8);
        GroupRecord g = ok.groups().get(0);
        StepRecord broken = new StepRecord(runId, StepFixtures.metrics(1), List.of(g, g));

        assertThrows(StoreException.class, () -> store.appendStep(broken));

        assertEquals(Optional.empty(), store.step(runId, 1));
        assertEquals(0, count(file, "SELECT COUNT(*) FROM rollouts"));
        store.appendStep(ok); // the failed attempt left nothing behind
    }

    @Test
    void appendingToAnUnknownRunThrows() {
        assertThrows(IllegalArgumentException.class, () -> store.appendStep(StepFixtures.step(999, 1, 1, 1, 1)));
    }

    @Test
    void deleteStepsAfterRemovesExactlyTheLaterStepsTheirChildrenEvalsAndCheckpoints() {
        long other = store.createRun("arith", "grpo", 1, "{}");
        for (int s = 1; s <= 5; s++) {
            store.appendStep(StepFixtures.step(runId, s, 2, 3, 8));
            store.appendStep(StepFixtures.step(other, s, 2, 3, 8));
        }
        for (int s : new int[] {0, 2, 4}) {
            store.recordEval(runId, new EvalRecord(s, 0.1 * s, 50));
        }
        store.recordCheckpoint(runId, 2, "ckpt/step-2");
        store.recordCheckpoint(runId, 4, "ckpt/step-4");

        int deleted = store.deleteStepsAfter(runId, 3);

        assertEquals(2, deleted);
        assertEquals(List.of(1, 2, 3), store.metrics(runId).stream().map(StepMetrics::step).toList());
        for (int s = 1; s <= 3; s++) {
            assertSameStep(StepFixtures.step(runId, s, 2, 3, 8), store.step(runId, s).orElseThrow());
        }
        assertEquals(List.of(0, 2), store.evals(runId).stream().map(EvalRecord::step).toList());
        assertEquals(Optional.of(new CheckpointRow(2, "ckpt/step-2")), store.latestCheckpoint(runId));
        assertEquals(5, store.metrics(other).size(), "the other run is untouched");
        // children cascade: 8 steps remain in all, each with 2 groups × 3 rollouts × 1 trace
        assertEquals(16, count(file, "SELECT COUNT(*) FROM \"groups\""));
        assertEquals(48, count(file, "SELECT COUNT(*) FROM rollouts"));
        assertEquals(48, count(file, "SELECT COUNT(*) FROM token_traces"));
        assertEquals(0, store.deleteStepsAfter(runId, 3));
        store.appendStep(StepFixtures.step(runId, 4, 2, 3, 8)); // resume recomputes step 4
        assertEquals(4, store.run(runId).orElseThrow().lastStep());
    }

    @Test
    void evalsAndCheckpointsAreKeptByStepAndReplacedWhenRepeated() {
        assertEquals(Optional.empty(), store.latestCheckpoint(runId));
        store.recordEval(runId, new EvalRecord(0, 0.125, 64));
        store.recordEval(runId, new EvalRecord(10, Double.NaN, 0));
        store.recordEval(runId, new EvalRecord(0, 0.25, 64));
        store.recordCheckpoint(runId, 10, "a");
        store.recordCheckpoint(runId, 20, "b");
        store.recordCheckpoint(runId, 20, "c");

        List<EvalRecord> evals = store.evals(runId);

        assertEquals(List.of(new EvalRecord(0, 0.25, 64), new EvalRecord(10, Double.NaN, 0)), evals);
        assertEquals(Optional.of(new CheckpointRow(20, "c")), store.latestCheckpoint(runId));
    }

    @Test
    void searchFindsCompletionsByTextWithWildcardsTakenLiterally() {
        StepRecord step = StepFixtures.step(runId, 1, 2, 3, 2);
        List<RolloutRecord> odd = List.of(new RolloutRecord(0, "100% sure_answer", 0, Map.of(), false,
                Verdict.UNVERIFIED, 0, true, false, null));
        store.appendStep(step);
        store.appendStep(new StepRecord(runId, StepFixtures.metrics(2), List.of(new GroupRecord(0, "x", "p", "a", 0,
                odd))));

        List<RolloutHit> hits = store.searchRollouts(runId, "GROUP 1", 10);

        assertEquals(List.of(
                new RolloutHit(1, 1, 0, "step 1 group 1 rollout 0: 12 + 30 = 42"),
                new RolloutHit(1, 1, 1, "step 1 group 1 rollout 1: 12 + 30 = 42"),
                new RolloutHit(1, 1, 2, "step 1 group 1 rollout 2: 12 + 30 = 42")), hits);
        assertEquals(2, store.searchRollouts(runId, "rollout", 2).size());
        assertEquals(List.of(new RolloutHit(2, 0, 0, "100% sure_answer")), store.searchRollouts(runId, "0% s", 10));
        assertEquals(1, store.searchRollouts(runId, "e_a", 10).size());
        assertEquals(0, store.searchRollouts(runId, "1_0", 10).size(), "_ is not a wildcard");
        assertEquals(0, store.searchRollouts(runId + 1, "rollout", 10).size());
    }

    @Test
    void theFileIsWalWithForeignKeysAndSchemaVersionTwoAndSurvivesReopening() throws Exception {
        store.appendStep(StepFixtures.step(runId, 1, 2, 3, 8));
        store.close();

        assertEquals("wal", text(file, "PRAGMA journal_mode"));
        assertEquals("2", text(file, "PRAGMA user_version"));
        try (RunStore again = RunStore.open(file)) {
            assertSameStep(StepFixtures.step(runId, 1, 2, 3, 8), again.step(runId, 1).orElseThrow());
        }
        store = RunStore.open(file);
        List<String> tables = new ArrayList<>();
        try (Connection c = StepFixtures.raw(file); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertTrue(tables.containsAll(List.of("checkpoints", "edits", "evals", "groups", "rollouts", "runs", "steps",
                "token_traces")), tables.toString());
    }

    @Test
    void aFileFromANewerSchemaIsRefused() throws Exception {
        store.close();
        try (Connection c = StepFixtures.raw(file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 3");
        }
        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(file));
        assertTrue(e.getMessage().contains("schema version 3"), e.getMessage());
        store = RunStore.open(dir.resolve("other.db"));
    }

    @Test
    void aClosedStoreRefusesCalls() {
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.runs());
    }
}
