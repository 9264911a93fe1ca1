package org.grpowb.core.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a run store off the training thread. The training loop queues writes and goes on; one daemon thread,
 * with its own connection, drains the queue and commits what it finds, up to {@code maxBatch} writes per transaction.
 * A step is one write, so it is never split across transactions.
 *
 * <ul>
 *   <li><b>Order.</b> Writes commit in the order they were queued (FIFO), so a checkpoint row queued after step s is
 *       committed after step s, and what is committed is always a prefix of what was queued.</li>
 *   <li><b>Back-pressure.</b> The queue holds at most {@code capacity} writes; when the disk falls behind, queueing
 *       blocks the producer instead of buffering steps without bound.</li>
 *   <li><b>Steering edits.</b> The training loop reads pending edits through {@link #pendingEdits} and marks them
 *       through this writer, so a mark commits in order with the steps around it.</li>
 *   <li><b>Failures.</b> When a write fails (a step appended twice, a full disk) the writes queued before it are
 *       committed, it and every later write are dropped, and the error is kept: this and every later {@code append},
 *       {@code record}, {@code setStatus} or {@link #flush()} throws a {@link StoreException} whose cause is the
 *       original error. Dropping the later writes keeps the file a consistent prefix of the run (no checkpoint row for
 *       a step that is missing). {@link #close()} throws it too if the producer has not seen it yet.</li>
 * </ul>
 *
 * Queueing methods may be called from any thread. The writer thread is a daemon: writes still queued when the JVM
 * exits without {@link #close()} are lost, as are those of a killed process; committed ones never are.
 */
public final class StoreWriter implements AutoCloseable {

    /** Default queue size: a step with traces can weigh a megabyte, so keep the buffer modest. */
    public static final int DEFAULT_CAPACITY = 64;
    /** Default number of writes committed per transaction. */
    public static final int DEFAULT_MAX_BATCH = 32;

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    private final RunStore store;
    private final BlockingQueue<Command> queue;
    private final int maxBatch;
    private final Thread thread;
    private final Object submitLock = new Object();
    private final AtomicLong commits = new AtomicLong();
    private boolean closed; // guarded by submitLock
    private volatile Failure failure;
    private volatile boolean failureSeen;
    private volatile boolean marksQueued;

    private StoreWriter(RunStore store, int capacity, int maxBatch) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::drain, "run-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Opens a writer on the store file with {@link #DEFAULT_CAPACITY} and {@link #DEFAULT_MAX_BATCH}. */
    public static StoreWriter open(Path file) {
        return open(file, DEFAULT_CAPACITY, DEFAULT_MAX_BATCH);
    }

    /**
     * Opens a writer on the store file (creating it if needed) with its own connection.
     *
     * @param capacity writes that may wait in the queue before queueing blocks
     * @param maxBatch writes committed per transaction at most
     */
    public static StoreWriter open(Path file, int capacity, int maxBatch) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and maxBatch must be positive: " + capacity + ", " + maxBatch);
        }
        return new StoreWriter(RunStore.open(file), capacity, maxBatch);
    }

    /** Queues a step (metrics, groups, rollouts, traces; committed together). See {@link RunStore#appendStep}. */
    public void appendStep(StepRecord step) {
        Objects.requireNonNull(step, "step");
        submit(new AppendStep(step));
    }

    /** Queues an eval. See {@link RunStore#recordEval}. */
    public void recordEval(long runId, EvalRecord eval) {
        Objects.requireNonNull(eval, "eval");
        submit(new RecordEval(runId, eval));
    }

    /** Queues a checkpoint row; it commits after every write queued before it. See {@link RunStore#recordCheckpoint}. */
    public void recordCheckpoint(long runId, int step, String path) {
        Objects.requireNonNull(path, "path");
        submit(new RecordCheckpoint(runId, step, path));
    }

    /** Queues a status change. See {@link RunStore#setStatus}. */
    public void setStatus(long runId, String status) {
        RunStore.checkStatus(status); // a typo should fail here, at the caller, not poison the writer
        submit(new SetStatus(runId, status));
    }

    /**
     * Queues marking a pending edit applied; it commits after the steps queued before it, so the file never says an
     * edit took effect at a step boundary it has not reached. See {@link RunStore#markEditApplied}.
     */
    public void markEditApplied(long editId, int step, int version) {
        submit(new MarkEditApplied(editId, step, version));
        marksQueued = true;
    }

    /** Queues marking a pending edit refused. See {@link RunStore#markEditRefused}. */
    public void markEditRefused(long editId, int step, String reason) {
        Objects.requireNonNull(reason, "reason");
        submit(new MarkEditRefused(editId, step, reason));
        marksQueued = true;
    }

    /**
     * The run's pending edits, for the training loop at a step boundary. When this writer has queued edit marks since
     * the last call it flushes first: otherwise an edit marked at the previous boundary but not yet committed would
     * come back as pending and be applied twice. See {@link RunStore#pendingEdits}.
     */
    public List<EditRecord> pendingEdits(long runId) {
        if (marksQueued) {
            flush();
            marksQueued = false;
        }
        return store.pendingEdits(runId);
    }

    /**
     * Blocks until every write queued before this call is committed.
     *
     * @throws StoreException when a write has failed (now or earlier); its cause is the original error
     */
    public void flush() {
        Barrier barrier = new Barrier();
        submit(barrier);
        boolean interrupted = false;
        while (true) {
            try {
                barrier.passed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throwIfFailed();
    }

    /** Transactions committed so far; fewer than the writes when the writer batches. */
    public long commits() {
        return commits.get();
    }

    /**
     * Commits everything queued, stops the writer thread and closes its connection. Throws the kept error if a write
     * failed and no earlier call has reported it. Idempotent.
     */
    @Override
    public void close() {
        synchronized (submitLock) {
            if (closed) {
                return;
            }
            closed = true;
            putUninterruptibly(new Stop());
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        store.close();
        if (!failureSeen) {
            throwIfFailed();
        }
    }

    // ---------------------------------------------------------------- producer side

    private void submit(Command command) {
        synchronized (submitLock) {
            if (closed) {
                throw new IllegalStateException("store writer on " + store.file() + " is closed");
            }
            throwIfFailed();
            try {
                queue.put(command);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while queueing a write to " + store.file()
                        + "; it was not queued", e);
            }
        }
    }

    private void putUninterruptibly(Command command) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(command);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void throwIfFailed() {
        Failure f = failure;
        if (f != null) {
            failureSeen = true;
            // a new exception each time, so that its stack shows the producer's call site
            throw new StoreException(f.message(), f.cause());
        }
    }

    // ---------------------------------------------------------------- writer thread

    private void drain() {
        List<Command> batch = new ArrayList<>(maxBatch);
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; stopping goes through the queue
            }
            queue.drainTo(batch, maxBatch - 1);
            try {
                commit(batch);
            } catch (Throwable t) {
                // the thread must outlive any error: producers blocked on a full queue wait for it
                fail("the run store writer failed", t);
            } finally {
                for (Command c : batch) {
                    if (c instanceof Barrier b) {
                        b.passed.countDown();
                    } else if (c instanceof Stop) {
                        stop = true;
                    }
                }
            }
        }
    }

    private void commit(List<Command> batch) {
        List<QueuedWrite> writes = new ArrayList<>(batch.size());
        for (Command c : batch) {
            if (c instanceof QueuedWrite w) {
                writes.add(w);
            }
        }
        if (writes.isEmpty()) {
            return;
        }
        if (failure != null) {
            LOG.debug("dropping {} writes queued after a failed write", writes.size());
            return;
        }
        RunStore.BatchOutcome outcome = store.applyInOrder(writes);
        if (outcome.committed() > 0 || outcome.error() == null) {
            commits.incrementAndGet();
        }
        if (outcome.error() == null) {
            return;
        }
        int failed = outcome.failedIndex();
        String message;
        if (failed < 0) {
            message = "could not commit " + writes.size() + " queued writes, from " + writes.get(0).describe()
                    + " to " + writes.get(writes.size() - 1).describe() + ", to " + store.file();
        } else {
            message = "could not " + writes.get(failed).describe() + " in " + store.file();
            if (outcome.committed() < failed) {
                message += "; the " + failed + " writes queued before it in its transaction were rolled back with it";
            }
        }
        fail(message + "; later writes are dropped", outcome.error());
    }

    private void fail(String message, Throwable cause) {
        if (failure == null) {
            LOG.error(message, cause);
            failure = new Failure(message, cause);
        } else {
            LOG.error("{} (after an earlier failure)", message, cause);
        }
    }

    // ---------------------------------------------------------------- commands

    private record Failure(String message, Throwable cause) {
    }

    private interface Command {
    }

    private interface QueuedWrite extends Command, RunStore.Write {
    }

    private static final class Barrier implements Command {
        final CountDownLatch passed = new CountDownLatch(1);
    }

    private static final class Stop implements Command {
    }

    private record AppendStep(StepRecord step) implements QueuedWrite {
        @Override
        public void applyTo(RunStore store) throws SQLException {
            store.insertStep(step);
        }

        @Override
        public String describe() {
            return "append step " + step.step() + " of run " + step.runId();
        }
    }

    private record RecordEval(long runId, EvalRecord eval) implements QueuedWrite {
        @Override
        public void applyTo(RunStore store) throws SQLException {
            store.upsertEval(runId, eval);
        }

        @Override
        public String describe() {
            return "record the eval of run " + runId + " at step " + eval.step();
        }
    }

    private record RecordCheckpoint(long runId, int step, String path) implements QueuedWrite {
        @Override
        public void applyTo(RunStore store) throws SQLException {
            store.upsertCheckpoint(runId, step, path);
        }

        @Override
        public String describe() {
            return "record the checkpoint of run " + runId + " at step " + step;
        }
    }

    private record MarkEditApplied(long editId, int step, int version) implements QueuedWrite {
        @Override
        public void applyTo(RunStore store) throws SQLException {
            store.editRows().markApplied(editId, step, version);
        }

        @Override
        public String describe() {
            return "mark edit " + editId + " applied at step " + step + " as version " + version;
        }
    }

    private record MarkEditRefused(long editId, int step, String reason) implements QueuedWrite {
        @Override
        public void applyTo(RunStore store) throws SQLException {
            store.editRows().markRefused(editId, step, reason);
        }

        @Override
        public String describe() {
            return "mark edit " + editId + " refused at step " + step;
        }
    }

    private record SetStatus(long runId, String status) implements QueuedWrite {
        @Override
        public void applyTo(RunStore store) throws SQLException {
            store.updateStatus(runId, status);
        }

        @Override
        public String describe() {
            return "set the status of run " + runId + " to " + status;
        }
    }
}
