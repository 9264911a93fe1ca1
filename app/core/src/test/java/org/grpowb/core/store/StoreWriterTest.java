package org.grpowb.core.store;

import static org.grpowb.core.store.StepFixtures.assertSameStep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StoreWriterTest {

    @TempDir
    Path dir;

    Path file;
    RunStore reader;
    long runId;

    @BeforeEach
    void open() {
        file = dir.resolve("store.db");
        reader = RunStore.open(file);
        runId = reader.createRun("arith", "grpo", 1, "{}");
    }

    @AfterEach
    void close() {
        reader.close();
    }

    @Test
    void twoHundredStepsCommitInOrderInBatches() throws Exception {
        try (StoreWriter writer = StoreWriter.open(file, 256, 64)) {
            WriteLock lock = new WriteLock(file);
            try {
                writer.setStatus(runId, "running"); // the writer takes this alone and waits for the lock
                Thread.sleep(100);
                for (int s = 1; s <= 200; s++) {
                    writer.appendStep(StepFixtures.step(runId, s, 1, 2, 4));
                    if (s % 50 == 0) {
                        writer.recordCheckpoint(runId, s, "ckpt-" + s);
                    }
                }
                Thread.sleep(100);
            } finally {
                lock.release();
            }
            writer.flush();

            // 1 lone write, then 204 queued writes drained 64 at a time: 64, 64, 64, 12 (4 when the writer was
            // too slow to take the first write alone)
            assertTrue(writer.commits() <= 5, "transactions for 205 writes: " + writer.commits());
            assertEquals(IntStream.rangeClosed(1, 200).boxed().toList(),
                    reader.metrics(runId).stream().map(StepMetrics::step).toList());
            assertSameStep(StepFixtures.step(runId, 137, 1, 2, 4), reader.step(runId, 137).orElseThrow());
            assertEquals(Optional.of(new CheckpointRow(200, "ckpt-200")), reader.latestCheckpoint(runId));
        }
    }

    @Test
    void flushReturnsOnceEverythingQueuedIsVisibleToOtherConnections() {
        try (StoreWriter writer = StoreWriter.open(file)) {
            for (int s = 1; s <= 10; s++) {
                writer.appendStep(StepFixtures.step(runId, s, 2, 3, 8));
            }
            writer.recordEval(runId, new EvalRecord(10, 0.5, 20));
            writer.recordCheckpoint(runId, 10, "ckpt-10");
            writer.setStatus(runId, "done");

            writer.flush();

            assertEquals(10, reader.run(runId).orElseThrow().lastStep());
            assertEquals("done", reader.run(runId).orElseThrow().status());
            assertEquals(List.of(new EvalRecord(10, 0.5, 20)), reader.evals(runId));
            assertEquals(Optional.of(new CheckpointRow(10, "ckpt-10")), reader.latestCheckpoint(runId));
            writer.flush(); // nothing queued: returns at once
        }
    }

    @Test
    void aFailedWriteSurfacesOnFlushAndKeepsTheWritesBeforeIt() throws Exception {
        StoreWriter writer = StoreWriter.open(file, 64, 32);
        WriteLock lock = new WriteLock(file);
        try {
            writer.setStatus(runId, "running");
            Thread.sleep(100);
            // all of these land in one batch, so the writes before the duplicate share its transaction
            for (int s = 1; s <= 5; s++) {
                writer.appendStep(StepFixtures.step(runId, s, 2, 3, 8));
            }
            writer.appendStep(StepFixtures.step(runId, 3, 2, 3, 8));
            writer.appendStep(StepFixtures.step(runId, 6, 2, 3, 8));
            writer.recordCheckpoint(runId, 6, "ckpt-6");
            Thread.sleep(100);
        } finally {
            lock.release();
        }

        StoreException e = assertThrows(StoreException.class, writer::flush);

        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getMessage().contains("append step 3 of run " + runId), e.getMessage());
        assertTrue(writer.commits() <= 2, "transactions: " + writer.commits());
        assertEquals(List.of(1, 2, 3, 4, 5), reader.metrics(runId).stream().map(StepMetrics::step).toList());
        for (int s = 1; s <= 5; s++) {
            assertSameStep(StepFixtures.step(runId, s, 2, 3, 8), reader.step(runId, s).orElseThrow());
        }
        assertEquals(Optional.empty(), reader.latestCheckpoint(runId), "nothing after the failed write commits");
        StoreException again = assertThrows(StoreException.class,
                () -> writer.appendStep(StepFixtures.step(runId, 7, 1, 1, 1)));
        assertInstanceOf(IllegalStateException.class, again.getCause());
        writer.close(); // the producer has seen the error: close does not throw it again
        assertEquals(5, reader.metrics(runId).size());
    }

    @Test
    void aFailedWriteSurfacesOnTheNextSubmit() throws Exception {
        try (StoreWriter writer = StoreWriter.open(file)) {
            writer.appendStep(StepFixtures.step(runId, 1, 1, 1, 1));
            writer.appendStep(StepFixtures.step(runId, 1, 1, 1, 1));
            StoreException e = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            for (int s = 0; e == null && System.nanoTime() < deadline; s++) {
                try {
                    writer.recordEval(runId, new EvalRecord(s, 0, 1));
                    Thread.sleep(5);
                } catch (StoreException thrown) {
                    e = thrown;
                }
            }
            assertTrue(e != null, "the duplicate step was reported");
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertThrows(StoreException.class, writer::flush);
            assertEquals(1, reader.metrics(runId).size());
        }
    }

    @Test
    void closeCommitsWhatIsQueuedAndReportsAnUnseenFailure() {
        StoreWriter writer = StoreWriter.open(file);
        for (int s = 1; s <= 20; s++) {
            writer.appendStep(StepFixtures.step(runId, s, 2, 3, 8));
        }
        writer.close();
        writer.close();
        assertEquals(20, reader.run(runId).orElseThrow().lastStep());
        assertThrows(IllegalStateException.class, () -> writer.appendStep(StepFixtures.step(runId, 21, 1, 1, 1)));

        StoreWriter failing = StoreWriter.open(file);
        failing.appendStep(StepFixtures.step(runId, 20, 1, 1, 1));
        StoreException e = assertThrows(StoreException.class, failing::close);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        failing.close();
    }

    @Test
    void aFullQueueBlocksTheProducerUntilTheDiskCatchesUp() throws Exception {
        try (StoreWriter writer = StoreWriter.open(file, 2, 1)) {
            Thread producer;
            AtomicReference<Throwable> error = new AtomicReference<>();
            WriteLock lock = new WriteLock(file);
            try {
                producer = new Thread(() -> {
                    try {
                        for (int s = 1; s <= 10; s++) {
                            writer.appendStep(StepFixtures.step(runId, s, 1, 1, 1));
                        }
                    } catch (Throwable t) {
                        error.set(t);
                    }
                });
                producer.start();
                Thread.sleep(300);
                assertTrue(producer.isAlive(), "one write in flight and two queued: the fourth blocks");
                assertEquals(0, reader.metrics(runId).size());
            } finally {
                lock.release();
            }
            producer.join(10_000);
            assertFalse(producer.isAlive());
            assertEquals(null, error.get());
            writer.flush();
            assertEquals(10, reader.metrics(runId).size());
        }
    }

    @Test
    void readersSeeOnlyWholeStepsWhileTheWriterWrites() throws Exception {
        try (StoreWriter writer = StoreWriter.open(file, 16, 4)) {
            Thread producer = new Thread(() -> {
                for (int s = 1; s <= 150; s++) {
                    writer.appendStep(StepFixtures.step(runId, s, 2, 3, 8));
                }
            });
            producer.start();
            int seen = 0;
            while (seen < 150) {
                List<Integer> steps = reader.metrics(runId).stream().map(StepMetrics::step).toList();
                assertEquals(IntStream.rangeClosed(1, steps.size()).boxed().toList(), steps, "a prefix of the run");
                seen = steps.size();
                if (seen > 0) {
                    assertSameStep(StepFixtures.step(runId, seen, 2, 3, 8), reader.step(runId, seen).orElseThrow());
                }
            }
            producer.join();
        }
    }

    @Test
    void aBadStatusFailsAtTheCallerWithoutPoisoningTheWriter() {
        try (StoreWriter writer = StoreWriter.open(file)) {
            assertThrows(IllegalArgumentException.class, () -> writer.setStatus(runId, "finished"));
            writer.setStatus(runId, "stopped");
            writer.flush();
            assertEquals("stopped", reader.run(runId).orElseThrow().status());
        }
    }

    /** Holds the file's write lock from another connection, so the writer's next transaction waits and its queue fills. */
    private static final class WriteLock {
        private final Connection connection;

        WriteLock(Path file) throws SQLException {
            connection = StepFixtures.raw(file);
            try (Statement s = connection.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
        }

        void release() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("ROLLBACK");
            }
            connection.close();
        }
    }
}
