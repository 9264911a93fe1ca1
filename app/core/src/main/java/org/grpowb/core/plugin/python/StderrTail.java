package org.grpowb.core.plugin.python;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last lines a worker wrote to its standard error (its own prints, redirected there, and its tracebacks), kept
 * to explain a worker's death. Drained on a daemon thread, as a pipe nobody reads fills up and blocks the worker.
 */
final class StderrTail {

    private static final Logger LOG = LoggerFactory.getLogger(StderrTail.class);

    /** Enough for a traceback and the prints just before it. */
    static final int LINES = 50;

    /** A plugin printing one endless line must not fill the memory of the message that quotes it. */
    private static final int LINE_CHARS = 1000;

    private final Deque<String> lines = new ArrayDeque<>(LINES);
    private final Thread drainer;

    private StderrTail(InputStream stderr, String name) {
        drainer = new Thread(() -> drain(stderr), name);
        drainer.setDaemon(true);
    }

    static StderrTail drain(InputStream stderr, String name) {
        StderrTail tail = new StderrTail(stderr, name);
        tail.drainer.start();
        return tail;
    }

    private void drain(InputStream stderr) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                LOG.debug("{}: {}", drainer.getName(), line);
                synchronized (lines) {
                    if (lines.size() == LINES) {
                        lines.removeFirst();
                    }
                    lines.addLast(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) + "..." : line);
                }
            }
        } catch (IOException e) {
            // the worker was killed while writing: what was read so far is the tail
        }
    }

    /** Waits up to {@code millis} for the worker's stderr to close, so a dying worker's last words are in the tail. */
    void awaitEnd(long millis) {
        try {
            drainer.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The kept lines, joined by newlines; empty when the worker wrote nothing. */
    String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
