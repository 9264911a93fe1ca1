package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.grpowb.core.engine.TrainingRun;
import org.junit.jupiter.api.Test;

/** The shutdown hook's wait, without shutting a JVM down: it ends when the command does, or at its bound. */
class GracefulStopTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    private final TrainingRun run = new TrainingRun(null, null, null);

    @Test
    void theHookWaitsUntilTheCommandIsDone() throws Exception {
        GracefulStop stop = new GracefulStop(Duration.ofSeconds(30), errStream);
        Thread command = new Thread(() -> {
            sleep(150);
            stop.close();
        });
        command.start();
        long t0 = System.nanoTime();
        assertTrue(stop.stopAndWait(run, () -> 7, true));
        double waited = (System.nanoTime() - t0) / 1e9;
        assertTrue(waited >= 0.1 && waited < 10, "waited " + waited + " s");
        assertEquals("\ngrpowb: stopping after step 7…\n", err.toString(StandardCharsets.UTF_8));
        command.join();
    }

    @Test
    void aHungRunDoesNotHoldTheShutdownPastTheBound() {
        GracefulStop stop = new GracefulStop(Duration.ofMillis(200), errStream);
        long t0 = System.nanoTime();
        assertFalse(stop.stopAndWait(run, () -> 3, false));
        double waited = (System.nanoTime() - t0) / 1e9;
        assertTrue(waited >= 0.19 && waited < 10, "waited " + waited + " s");
    }

    @Test
    void afterTheCommandIsDoneTheHookDoesNothing() {
        GracefulStop stop = new GracefulStop(Duration.ofSeconds(30), errStream);
        stop.close();
        assertTrue(stop.stopAndWait(run, () -> 1, false));
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no message when no run is going");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
