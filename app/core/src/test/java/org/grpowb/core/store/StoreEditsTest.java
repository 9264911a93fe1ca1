package org.grpowb.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.grpowb.core.run.EditRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steering edits: submitted while a run runs, decided once at a step boundary, kept across a resume. */
class StoreEditsTest {

    @TempDir
    Path dir;

    Path file;
    RunStore store;
    long runId;

    @BeforeEach
    void open() {
        file = dir.resolve("store.db");
        store = RunStore.open(file);
        runId = store.createRun("arith", "grpo", 42, "{}");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void anEditIsSubmittedPendingThenAppliedOrRefusedOnce() {
        long lr = store.submitEdit(runId, "set", "{\"lr\":2e-5}", "cli");
        long hints = store.submitEdit(runId, "hints", "{\"tier\":2}", "window");
        long stage = store.submitEdit(runId, "curriculum", "{\"stage\":\"hard\"}", null);
        long other = store.createRun("arith", "grpo", 1, "{}");
        store.submitEdit(other, "set", "{}", "cli");

        List<EditRecord> submitted = store.edits(runId);
        assertEquals(List.of(lr, hints, stage), submitted.stream().map(EditRecord::id).toList());
        EditRecord first = submitted.get(0);
        assertEquals(runId, first.runId());
        assertEquals("set", first.kind());
        assertEquals("{\"lr\":2e-5}", first.payloadJson());
        assertEquals("cli", first.source());
        assertEquals(EditRecord.PENDING, first.status());
        assertNull(first.step());
        assertNull(first.version());
        assertNull(first.reason());
        assertTrue(first.createdAt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), first.createdAt());
        assertNull(submitted.get(2).source());
        assertEquals(submitted, store.pendingEdits(runId));

        store.markEditApplied(lr, 5, 1);
        store.markEditRefused(hints, 5, "tier 2 is past the last hint tier (1)");

        List<EditRecord> decided = store.edits(runId);
        assertEquals(new EditRecord(lr, runId, first.createdAt(), "set", "{\"lr\":2e-5}", "cli", "applied", 5, 1, null),
                decided.get(0));
        assertEquals(EditRecord.REFUSED, decided.get(1).status());
        assertEquals(5, decided.get(1).step());
        assertNull(decided.get(1).version());
        assertEquals("tier 2 is past the last hint tier (1)", decided.get(1).reason());
        assertEquals(List.of(stage), store.pendingEdits(runId).stream().map(EditRecord::id).toList());
        assertEquals(List.of(lr), store.appliedEdits(runId).stream().map(EditRecord::id).toList());

        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> store.markEditApplied(lr, 6, 2));
        assertTrue(twice.getMessage().contains("already applied"), twice.getMessage());
        assertThrows(IllegalStateException.class, () -> store.markEditRefused(hints, 6, "again"));
        assertThrows(IllegalArgumentException.class, () -> store.markEditApplied(999, 6, 2));
        assertThrows(IllegalArgumentException.class, () -> store.markEditApplied(stage, 6, 0), "versions count from 1");
        assertEquals(EditRecord.PENDING, store.edits(runId).get(2).status(), "a refused mark changed nothing");
    }

    @Test
    void appliedEditsComeInTheOrderTheyWereApplied() {
        long a = store.submitEdit(runId, "set", "{\"a\":1}", "cli");
        long b = store.submitEdit(runId, "set", "{\"b\":1}", "cli");
        store.markEditApplied(b, 3, 1);
        store.markEditApplied(a, 7, 2);

        assertEquals(List.of(b, a), store.appliedEdits(runId).stream().map(EditRecord::id).toList());
        assertEquals(List.of(3, 7), store.appliedEdits(runId).stream().map(EditRecord::step).toList());
    }

    @Test
    void aRunThatIsNotRunningOrDoesNotExistTakesNoEdit() {
        store.setStatus(runId, "done");

        IllegalStateException done = assertThrows(IllegalStateException.class,
                () -> store.submitEdit(runId, "set", "{}", "cli"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> store.submitEdit(999, "set", "{}", "cli"));

        assertTrue(done.getMessage().contains("run " + runId + " is done"), done.getMessage());
        assertTrue(missing.getMessage().contains("no run 999"), missing.getMessage());
        assertEquals(List.of(), store.edits(runId));
        assertEquals(0, StepFixtures.count(file, "SELECT COUNT(*) FROM edits"));
    }

    @Test
    void aPayloadMustBeJsonAndAKindIsNeeded() {
        assertThrows(IllegalArgumentException.class, () -> store.submitEdit(runId, "set", "lr=2e-5", "cli"));
        assertThrows(IllegalArgumentException.class, () -> store.submitEdit(runId, "set", "{} {}", "cli"));
        assertThrows(IllegalArgumentException.class, () -> store.submitEdit(runId, "set", "", "cli"));
        assertThrows(IllegalArgumentException.class, () -> store.submitEdit(runId, " ", "{}", "cli"));
        assertEquals(List.of(), store.edits(runId));
    }

    @Test
    void editsSurviveDeletingTheStepsTheyFollowed() {
        for (int s = 1; s <= 4; s++) {
            store.appendStep(StepFixtures.step(runId, s, 1, 2, 3));
        }
        long early = store.submitEdit(runId, "set", "{\"lr\":2e-5}", "cli");
        store.markEditApplied(early, 2, 1);
        long late = store.submitEdit(runId, "hints", "{\"tier\":1}", "window");
        store.markEditApplied(late, 4, 2);
        long waiting = store.submitEdit(runId, "curriculum", "{}", "cli");

        assertEquals(2, store.deleteStepsAfter(runId, 2));

        assertEquals(List.of(early, late, waiting), store.edits(runId).stream().map(EditRecord::id).toList());
        assertEquals(List.of(2, 4), store.appliedEdits(runId).stream().map(EditRecord::step).toList());
        assertEquals(List.of(waiting), store.pendingEdits(runId).stream().map(EditRecord::id).toList());
    }

    @Test
    void aWriterMarksEditsInOrderAndNeverHandsBackOneItMarked() {
        long a = store.submitEdit(runId, "set", "{\"a\":1}", "cli");
        long b = store.submitEdit(runId, "set", "{\"b\":1}", "cli");
        try (StoreWriter writer = StoreWriter.open(file)) {
            assertEquals(List.of(a, b), writer.pendingEdits(runId).stream().map(EditRecord::id).toList());
            writer.appendStep(StepFixtures.step(runId, 1, 1, 2, 3));
            writer.markEditApplied(a, 2, 1);
            writer.markEditRefused(b, 2, "no such key");

            assertEquals(List.of(), writer.pendingEdits(runId), "the marks are committed before reading");
        }
        assertEquals(List.of("applied", "refused"), store.edits(runId).stream().map(EditRecord::status).toList());
        assertEquals(1, store.appliedEdits(runId).get(0).version());
    }
}
