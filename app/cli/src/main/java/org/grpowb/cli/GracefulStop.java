package org.grpowb.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.grpowb.core.engine.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a training run cleanly when the JVM is told to shut down — Ctrl-C's SIGINT, the SIGTERM a desktop session's
 * logout sends: a shutdown hook asks the run to stop after its current step, then holds the JVM until the command is
 * done with the run (its steps written, its status {@code stopped}, its store closed), so that it can be resumed with
 * {@code grpowb train --resume}. Without the wait the JVM halts mid-step as soon as the hooks return, and the run
 * stays {@code running} in the store.
 *
 * <p>The hook waits for {@link #close()}, which the command calls when it is done, before it returns its exit code;
 * it never waits for anything that happens after {@code System.exit}. Once shutdown has begun, the command's own
 * {@code System.exit} blocks until the hooks return, and the JVM then exits with the signal's status (130, 143). The
 * wait is bounded: a run that does not end in time (a hung reward call) is left {@code running}, with a warning.
 */
final class GracefulStop implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final CountDownLatch done = new CountDownLatch(1);
    private final Duration wait;
    private final PrintStream err;
    private Thread hook;

    GracefulStop(Duration wait, PrintStream err) {
        this.wait = wait;
        this.err = err;
    }

    /**
     * Installs the hook for {@code run}.
     *
     * @param currentStep the step the run is on, for the message "stopping after step N…"
     * @param newLine     whether the message must first end a line (a progress bar drawn in place)
     */
    synchronized void watch(TrainingRun run, IntSupplier currentStep, boolean newLine) {
        if (hook != null || done.getCount() == 0) {
            throw new IllegalStateException("one run per stop");
        }
        hook = new Thread(() -> stopAndWait(run, currentStep, newLine), "grpowb-graceful-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * What the hook does: asks the run to stop, then waits until {@link #close()} or for the bounded time.
     *
     * @return true when the command finished in time (or had already)
     */
    boolean stopAndWait(TrainingRun run, IntSupplier currentStep, boolean newLine) {
        if (done.getCount() == 0) {
            return true;
        }
        err.println((newLine ? "\n" : "") + "grpowb: stopping after step " + currentStep.getAsInt() + "…");
        run.requestStop();
        try {
            if (done.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warn("the run did not stop within {} s; exiting anyway: it stays 'running' in the store, and "
                    + "`grpowb train --resume` continues it from its last checkpoint", wait.toMillis() / 1000.0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The command is done with the run and its store: the hook has nothing left to wait for. */
    @Override
    public synchronized void close() {
        done.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running (or has run): it sees the latch and returns
            }
        }
    }
}
