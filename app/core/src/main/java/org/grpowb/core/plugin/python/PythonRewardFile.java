package org.grpowb.core.plugin.python;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;

/**
 * One Python file of reward functions in TRL's signature, with the worker process that scores them.
 *
 * <p>A reward function is a top-level function of the file whose name does not start with {@code _} and which takes a
 * {@code completions} parameter; it is named by its {@code __name__}, as TRL names it. It is called TRL's way,
 * {@code f(completions=..., prompts=..., answer=..., id=..., <each data column>=...)}, each a list with one entry per
 * completion, and returns one float (or {@code None}) per completion. Unlike TRL, a function without
 * {@code **kwargs} is given only the keywords it names rather than failing on the others: a reward written for one
 * data set keeps working on another with more columns. Its scores must lie in [0, 1] unless it declares its range
 * ({@code f.score_range = (lo, hi)}, or a module-level {@code SCORE_RANGES = {"name": (lo, hi)}}).
 *
 * <p>The worker is the user's own Python, run as a child process <b>with the user's own rights</b>: it can read and
 * write whatever the user can, open connections, start programs. Nothing here sandboxes it; trusting the file's
 * bytes is the only gate, and it must be passed before {@link #open} is called. The worker ends when its input
 * closes, so one left behind by a workbench that crashed ends with it.
 *
 * <p>Failures are contained per batch: a function that raises, returns the wrong number of scores, or times out
 * fails that batch; a worker that dies or times out is killed and a fresh one started for the next batch ({@link
 * #restarts()}); {@code None}, NaN and infinite scores fail only their rollouts. One batch is scored at a time;
 * batches of the file's other functions wait their turn.
 */
public final class PythonRewardFile implements AutoCloseable {

    private final Path file;
    private final PythonSettings settings;
    private final List<RewardFunction> functions;

    /** One request at a time to the worker; fair, so that concurrent functions are served in the order they came. */
    private final ReentrantLock turn = new ReentrantLock(true);

    /** Guards the fields below it; never held while waiting on a worker, so that close is immediate. */
    private final Object state = new Object();
    private WorkerProcess worker;
    private CompletableFuture<WorkerProcess> replacement;
    private boolean closed;
    private volatile int restarts;
    private long nextId;

    private PythonRewardFile(Path file, PythonSettings settings, WorkerProcess first) {
        this.file = file;
        this.settings = settings;
        this.worker = first;
        List<RewardFunction> fs = new ArrayList<>();
        first.functions().forEach(f -> fs.add(new PythonReward(this, f)));
        this.functions = List.copyOf(fs);
    }

    /**
     * Starts a worker on {@code file} and lists its reward functions.
     *
     * @throws PythonPluginException when the file does not import (located at the line Python blames), defines no
     *                               reward function, or the interpreter does not start or answer in time
     */
    public static PythonRewardFile open(Path file, PythonSettings settings) throws PythonPluginException {
        Path f = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            throw new PythonPluginException(f, 0, "no such Python file");
        }
        return new PythonRewardFile(f, settings, WorkerProcess.start(f, settings));
    }

    /** The file the worker imports. */
    public Path file() {
        return file;
    }

    /** One reward per function, named by the function's name, in the file's order. */
    public List<RewardFunction> functions() {
        return functions;
    }

    /** How often the worker was restarted after dying or timing out. */
    public int restarts() {
        return restarts;
    }

    /** The running worker's process, empty between a lost worker and the next batch, and after close. */
    Optional<ProcessHandle> workerProcess() {
        synchronized (state) {
            return worker == null ? Optional.empty() : Optional.of(worker.handle());
        }
    }

    /** Whether the next batch finds a worker ready: running, or its replacement started and its functions listed. */
    boolean ready() {
        synchronized (state) {
            return worker != null && worker.isAlive()
                    || replacement != null && replacement.isDone() && !replacement.isCompletedExceptionally();
        }
    }

    /**
     * One batch of {@code function}: a score per completion, null where the function returned {@code None} or a
     * non-finite number.
     *
     * @throws PythonWorkerException when the batch failed (raised, wrong answer, timed out, worker died)
     * @throws IllegalStateException after {@link #close()}
     */
    List<Double> score(String function, List<String> completions, List<Example> examples) {
        try {
            turn.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PythonWorkerException(file, "interrupted while " + function + "'s batch waited its turn", e);
        }
        try {
            WorkerProcess w = liveWorker();
            Map<String, Object> request = new LinkedHashMap<>();
            long id = ++nextId;
            request.put("id", id);
            request.put("function", function);
            request.put("completions", completions);
            request.put("kwargs", TrlKeywords.of(examples));
            JsonNode reply;
            try {
                reply = w.exchange(id, request, settings.batchTimeout());
            } catch (PythonWorkerException e) {
                forget(w);
                throw e;
            }
            return scores(function, reply, completions.size());
        } finally {
            turn.unlock();
        }
    }

    private List<Double> scores(String function, JsonNode reply, int expected) {
        if (reply.hasNonNull("error")) {
            throw new PythonWorkerException(file, function + " failed on this batch: " + reply.get("error").asText());
        }
        JsonNode scores = reply.path("scores");
        if (!scores.isArray() || scores.size() != expected) {
            throw new PythonWorkerException(file, function + ": the worker returned " + scores + " for a batch of "
                    + expected);
        }
        List<Double> out = new ArrayList<>(expected);
        for (JsonNode s : scores) {
            if (!s.isNull() && !s.isNumber()) {
                throw new PythonWorkerException(file, function + ": the worker returned a score that is not a number: "
                        + s);
            }
            out.add(s.isNull() || !Double.isFinite(s.asDouble()) ? null : s.asDouble());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The worker, or its replacement once the last one was lost. The replacement is started as soon as the loss is
     * known, on a thread of its own, and not by the next batch: a start (seconds for a file that imports numpy) would
     * otherwise count against that batch's time box, and a start longer than the box would fail every batch after.
     */
    private WorkerProcess liveWorker() {
        CompletableFuture<WorkerProcess> starting;
        synchronized (state) {
            requireOpen();
            if (worker != null && worker.isAlive()) {
                return worker;
            }
            if (worker != null) {
                // died between batches
                worker.kill();
                worker = null;
            }
            if (replacement == null) {
                replacement = startReplacement();
            }
            starting = replacement;
        }
        WorkerProcess fresh;
        try {
            fresh = starting.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PythonWorkerException(file, "interrupted while the Python worker restarted", e);
        } catch (ExecutionException e) {
            synchronized (state) {
                if (replacement == starting) {
                    replacement = null;
                }
            }
            Throwable cause = e.getCause();
            String why = cause instanceof PythonPluginException p ? p.problem() : String.valueOf(cause);
            throw new PythonWorkerException(file, "cannot restart the Python worker: " + why, cause);
        }
        synchronized (state) {
            requireOpen();
            if (replacement == starting) {
                replacement = null;
                worker = fresh;
                restarts++;
            }
            // else another caller adopted it first, and it is the worker now
            return fresh;
        }
    }

    /** Called with {@link #state} held. */
    private CompletableFuture<WorkerProcess> startReplacement() {
        CompletableFuture<WorkerProcess> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(WorkerProcess.start(file, settings));
            } catch (PythonPluginException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "python-worker-restart-" + file.getFileName());
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Drops a worker that failed its batch (already killed) and starts its replacement right away. */
    private void forget(WorkerProcess lost) {
        synchronized (state) {
            if (worker == lost) {
                worker = null;
            }
            requireOpen();
            if (replacement == null) {
                replacement = startReplacement();
            }
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the Python reward file " + file + " is closed");
        }
    }

    /** Kills the worker (and whatever it started); calls after this throw {@link IllegalStateException}. */
    @Override
    public void close() {
        WorkerProcess w;
        CompletableFuture<WorkerProcess> starting;
        synchronized (state) {
            if (closed) {
                return;
            }
            closed = true;
            w = worker;
            worker = null;
            starting = replacement;
            replacement = null;
        }
        if (w != null) {
            w.kill();
        }
        if (starting != null) {
            starting.thenAccept(WorkerProcess::kill);
        }
    }

    @Override
    public String toString() {
        return "PythonRewardFile[" + file + "]";
    }
}
