package org.grpowb.core.plugin.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.grpowb.api.ScoreRange;

/**
 * One running worker: {@code <python> -u grpowb_reward_worker.py <file>} in the file's folder, its handshake, and one
 * request line answered by one reply line. Not thread-safe: {@link PythonRewardFile} sends one request at a time.
 *
 * <p>Stdout is read on a daemon thread into a queue so that waiting for a reply can be time-boxed and interrupted;
 * a blocking read on the pipe could be neither.
 */
final class WorkerProcess {

    static final int PROTOCOL = 1;

    /** Queued by the reader when the worker's stdout closes; compared by identity. */
    private static final String EOF = new String("<end of the worker's output>");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Process process;
    private final BufferedWriter requests;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final StderrTail stderr;
    private List<DeclaredFunction> functions = List.of();

    private WorkerProcess(Path file, Process process) {
        this.file = file;
        this.process = process;
        this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        String name = "python-worker-" + file.getFileName() + "-" + process.pid();
        this.stderr = StderrTail.drain(process.getErrorStream(), name + "-stderr");
        Thread reader = new Thread(this::readReplies, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a worker on {@code file} and reads its handshake within the settings' start timeout. */
    static WorkerProcess start(Path file, PythonSettings settings) throws PythonPluginException {
        ProcessBuilder pb = new ProcessBuilder(settings.executable(), "-u", RunnerScript.path().toString(),
                file.toString()).directory(file.getParent().toFile());
        // the runner opens its protocol streams as UTF-8 itself; this makes the plugin's own stderr UTF-8 too
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new PythonPluginException(file, 0, "cannot start the Python interpreter '" + settings.executable()
                    + "' (" + e.getMessage() + "); choose another in the settings, or set -D" + PythonSettings.PROPERTY
                    + " or " + PythonSettings.ENVIRONMENT);
        }
        WorkerProcess worker = new WorkerProcess(file, process);
        try {
            worker.functions = worker.handshake(settings.startTimeout());
            return worker;
        } catch (PythonPluginException | RuntimeException e) {
            worker.kill();
            throw e;
        }
    }

    private List<DeclaredFunction> handshake(Duration timeout) throws PythonPluginException {
        String line;
        try {
            line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PythonPluginException(file, 0, "interrupted while the Python worker imported the file");
        }
        if (line == null) {
            throw new PythonPluginException(file, 0, "the Python worker did not list the file's reward functions"
                    + " within " + timeout.toMillis() + " ms (an import that hangs?)" + stderrSuffix());
        }
        if (line == EOF) {
            String status = exitStatus();
            stderr.awaitEnd(1000);
            throw new PythonPluginException(file, 0, "the Python worker exited (" + status
                    + ") before listing the file's reward functions" + stderrSuffix());
        }
        JsonNode hello = parse(line);
        if (hello == null || hello.path("protocol").asInt(-1) != PROTOCOL) {
            throw new PythonPluginException(file, 0, "the Python worker's first line is not its handshake (protocol "
                    + PROTOCOL + "): " + abbreviate(line) + stderrSuffix());
        }
        if (hello.hasNonNull("error")) {
            throw new PythonPluginException(file, hello.path("line").asInt(0), hello.get("error").asText());
        }
        List<DeclaredFunction> out = new ArrayList<>();
        for (JsonNode f : hello.path("functions")) {
            String name = f.path("name").asText("");
            JsonNode r = f.path("score_range");
            ScoreRange range = null;
            if (r.isArray() && r.size() == 2 && r.get(0).isNumber() && r.get(1).isNumber()) {
                try {
                    range = new ScoreRange(r.get(0).asDouble(), r.get(1).asDouble());
                } catch (IllegalArgumentException e) {
                    throw new PythonPluginException(file, 0, "reward function '" + name + "': " + e.getMessage());
                }
            } else if (!r.isNull() && !r.isMissingNode()) {
                throw new PythonPluginException(file, 0, "reward function '" + name + "': score_range " + r
                        + " is not [lo, hi]");
            }
            out.add(new DeclaredFunction(name, f.path("doc").asText(""), range));
        }
        if (out.isEmpty()) {
            throw new PythonPluginException(file, 0, "defines no reward function");
        }
        return List.copyOf(out);
    }

    List<DeclaredFunction> functions() {
        return functions;
    }

    /**
     * Sends one request and returns its reply, a JSON object with the same {@code id}; waits at most {@code timeout}.
     * Any failure but an {@code {"error": ...}} reply leaves the worker killed.
     *
     * @throws PythonWorkerException when the worker times out (caused by a {@link TimeoutException}), dies, is
     *                               interrupted, or answers outside the protocol
     */
    JsonNode exchange(long id, Map<String, Object> request, Duration timeout) {
        try {
            requests.write(JSON.writeValueAsString(request));
            requests.write('\n');
            requests.flush();
        } catch (IOException e) {
            throw died("while it was sent the batch (" + e.getMessage() + ")");
        }
        String line;
        try {
            line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new PythonWorkerException(file, "interrupted while the batch was scored; the worker was stopped", e);
        }
        if (line == null) {
            kill();
            String why = "batch timed out after " + timeout.toMillis() + " ms";
            throw new PythonWorkerException(file, why + "; the worker was stopped and starts afresh on the next batch",
                    new TimeoutException(why));
        }
        if (line == EOF) {
            throw died("during the batch");
        }
        JsonNode reply = parse(line);
        if (reply == null || !reply.isObject() || reply.path("id").asLong(-1) != id) {
            kill();
            throw new PythonWorkerException(file, "the worker answered outside the protocol (expected the reply to "
                    + "request " + id + "): " + abbreviate(line));
        }
        return reply;
    }

    private PythonWorkerException died(String when) {
        String status = exitStatus();
        kill();
        stderr.awaitEnd(1000);
        return new PythonWorkerException(file, "the Python worker died " + when + " (" + status
                + "); it starts afresh on the next batch" + stderrSuffix());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * Kills the worker and whatever it started (a plugin may run a compiler or a sandbox); the descendants are
     * collected first, as they are no longer the worker's once it is gone.
     */
    void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            requests.close();
        } catch (IOException e) {
            // the pipe is already broken: nothing left to close
        }
    }

    private void readReplies() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                replies.add(line);
            }
        } catch (IOException e) {
            // killed mid-line: the end of the output, as below
        }
        replies.add(EOF);
    }

    /** How the worker ended, given 2 s to end by itself after its output closed. */
    private String exitStatus() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return "exit code " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "still running";
    }

    private String stderrSuffix() {
        String tail = stderr.text();
        return tail.isEmpty() ? "" : "; its last output:\n" + tail;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? "'" + line + "'" : "'" + line.substring(0, 200) + "...'";
    }
}
