package org.grpowb.core.store;

import static org.grpowb.core.store.StepFixtures.assertSameStep;
import static org.grpowb.core.store.StepFixtures.count;
import static org.grpowb.core.store.StepFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
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
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a version 1 store upgrades it in place. {@code store/v1-store.db} was written by the version 1 code (the
 * commit that added it) with exactly what {@link #v1Steps} builds, plus the runs, evals and checkpoints asserted below;
 * then its journal was switched to DELETE and it was vacuumed, so it is one small file.
 */
class StoreMigrationTest {

    @TempDir
    Path dir;

    Path file;

    @BeforeEach
    void copyTheFixture() throws Exception {
        file = dir.resolve("v1-store.db");
        try (InputStream in = StoreMigrationTest.class.getResourceAsStream("/store/v1-store.db")) {
            Files.copy(in, file);
        }
        assertEquals("1", text(file, "PRAGMA user_version"), "the fixture is a version 1 store");
    }

    /** The steps the fixture holds, as the version 1 code appended them. */
    static List<StepRecord> v1Steps() {
        List<StepRecord> steps = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            steps.add(StepFixtures.step(1, s, 2, 3, 4));
        }
        steps.add(StepFixtures.step(2, 1, 1, 2, 3));
        TokenTrace full = new TokenTrace(new int[] {5, 6, 7}, new float[] {-0.5f, -1f, -2f},
                new float[] {1f, 2f, 3f}, new float[] {0.25f, 0.25f, 0.25f}, new float[] {-0.4f, -1.1f, -2f},
                new byte[] {0, 1, 0}, new float[] {0.1f, -0.2f, 0.3f});
        List<RolloutRecord> rs = List.of(
                new RolloutRecord(0, "full trace", 1.0, Map.of("correct", 1.0), false, Verdict.CORRECT, 0.5, true,
                        false, full, true),
                new RolloutRecord(1, "no trace", 0.0, Map.of("correct", 0.0), false, Verdict.INCORRECT, -0.5, true,
                        false, null, false));
        steps.add(new StepRecord(2, StepFixtures.metrics(2), List.of(new GroupRecord(0, "ex-b", "prompt b", "7", 0.5,
                rs))));
        return steps;
    }

    @Test
    void aVersionOneStoreIsUpgradedInPlaceAndEveryOldRowReadsBack() {
        try (RunStore store = RunStore.open(file)) {
            assertEquals("2", text(file, "PRAGMA user_version"));
            assertEquals(List.of(
                    new RunInfo(2, "arith", "dr-grpo", 7, "running", "2026-11-30T00:21:50.884Z", "{}", 2),
                    new RunInfo(1, "arith", "grpo", 42, "done", "2026-11-30T00:21:50.880Z", "{\"lr\":1e-5}", 3)),
                    store.runs());
            for (StepRecord expected : v1Steps()) {
                assertSameStep(expected, store.step(expected.runId(), expected.step()).orElseThrow());
            }
            assertEquals(List.of(1, 2, 3), store.metrics(1).stream().map(m -> m.step()).toList());
            assertEquals(List.of(new EvalRecord(0, 0.125, 64), new EvalRecord(2, 0.25, 64, 0.5, 4)), store.evals(1));
            assertEquals(List.of(), store.evals(2));
            assertEquals(Optional.of(new CheckpointRow(2, "ckpt/step-2")), store.latestCheckpoint(1));
            assertEquals(Optional.of(new CheckpointRow(1, "ckpt/b-1")), store.latestCheckpoint(2));
            assertEquals(1, store.searchRollouts(2, "full trace", 10).size());
            assertEquals(List.of(), store.edits(1));
        }
        assertEquals(21, count(file, "SELECT COUNT(*) FROM token_traces"), "every trace row was copied");
        assertEquals(0, count(file, "SELECT COUNT(*) FROM token_traces WHERE logprobs IS NULL"));
    }

    @Test
    void theNewColumnsHoldTheirDefaultsOnOldRows() {
        try (RunStore store = RunStore.open(file)) {
            StepRecord step = store.step(1, 2).orElseThrow();
            for (GroupRecord g : step.groups()) {
                assertEquals(0, g.hintTier());
                assertNull(g.renderedPrompt());
                assertEquals(0, g.editVersion());
                for (RolloutRecord r : g.rollouts()) {
                    assertEquals(0, r.hintTier());
                    assertNull(r.renderedPrompt());
                    assertTrue(r.trace().hasValues());
                }
            }
        }
        assertEquals(8, count(file, "SELECT COUNT(*) FROM \"groups\" WHERE hint_tier = 0 AND edit_version = 0"
                + " AND rendered_prompt IS NULL"));
        assertEquals(22, count(file, "SELECT COUNT(*) FROM rollouts WHERE hint_tier = 0 AND rendered_prompt IS NULL"));
        assertEquals(22, count(file, "SELECT COUNT(*) FROM rollouts"));
    }

    @Test
    void anUpgradedStoreTakesVersionTwoRowsAndEdits() {
        try (RunStore store = RunStore.open(file)) {
            long edit = store.submitEdit(2, "set", "{\"lr\":2e-5}", "cli");
            assertThrows(IllegalStateException.class, () -> store.submitEdit(1, "set", "{}", "cli"), "run 1 is done");
            store.markEditApplied(edit, 3, 1);
            TokenTrace thin = TokenTrace.idsOnly(new int[] {9, 8});
            StepRecord step = new StepRecord(2, StepFixtures.metrics(3), List.of(new GroupRecord(0, "ex-b", "prompt b",
                    "7", 0.5, List.of(new RolloutRecord(0, "thin", 1, Map.of(), false, Verdict.CORRECT, 0, true, false,
                    thin, false, 2, "<hint>prompt b")), 1, "<user>prompt b", 1)));
            store.appendStep(step);
            assertSameStep(step, store.step(2, 3).orElseThrow());
            assertEquals(List.of(edit), store.appliedEdits(2).stream().map(e -> e.id()).toList());
        }
    }

    @Test
    void openingTwiceChangesNothingAndAFreshStoreHasTheSameSchema() throws Exception {
        RunStore.open(file).close();
        List<String> once = schema(file);
        RunStore.open(file).close();

        assertEquals(once, schema(file));
        assertEquals("2", text(file, "PRAGMA user_version"));
        try (RunStore store = RunStore.open(file)) {
            for (StepRecord expected : v1Steps()) {
                assertSameStep(expected, store.step(expected.runId(), expected.step()).orElseThrow());
            }
        }
        Path fresh = dir.resolve("fresh.db");
        RunStore.open(fresh).close();
        assertEquals(once, schema(fresh), "a new file gets version 1 and then every migration");
        assertTrue(once.stream().anyMatch(sql -> sql.contains("edits_by_run")), once.toString());
    }

    @Test
    void aStoreOfANewerVersionIsRefusedNamingTheFileAndLeftAlone() throws Exception {
        try (Connection c = StepFixtures.raw(file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }

        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(file));

        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        assertEquals("99", text(file, "PRAGMA user_version"));
        assertEquals(0, count(file, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'edits'"), "not migrated");
    }

    @Test
    void aMigrationThatFailsLeavesTheFileAtItsOldVersionUntouched() throws Exception {
        try (Connection c = StepFixtures.raw(file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE edits (x INTEGER)"); // the 1 → 2 migration's CREATE TABLE edits now fails
        }

        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(file));

        assertTrue(e.getMessage().contains("from schema version 1 to 2"), e.getMessage());
        assertEquals("1", text(file, "PRAGMA user_version"));
        List<String> schema = schema(file);
        assertFalse(schema.stream().anyMatch(sql -> sql.contains("hint_tier")), "the ALTERs before it rolled back");
        assertEquals(21, count(file, "SELECT COUNT(*) FROM token_traces"));
    }

    @Test
    void theMigrationsFollowOneAnotherUpToTheSchemaVersion() {
        List<StoreSchema.Migration> migrations = StoreSchema.MIGRATIONS;
        for (int i = 0; i < migrations.size(); i++) {
            assertEquals(i + 1, migrations.get(i).from(), "migration " + i);
        }
        assertEquals(RunStore.SCHEMA_VERSION, migrations.get(migrations.size() - 1).to());
    }

    private static List<String> schema(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = StepFixtures.raw(file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + ": " + rs.getString(3));
            }
        }
        return out;
    }
}
