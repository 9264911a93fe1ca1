package org.grpowb.core.store;

import static org.grpowb.core.store.StepFixtures.assertSameStep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A training process killed with SIGKILL mid-write leaves a consistent store of whole steps. */
class StoreKillTest {

    static final int GROUPS = 2;
    static final int ROLLOUTS = 3;
    static final int TOKENS = 64;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void killingTheWritingProcessLeavesWholeContiguousSteps() throws Exception {
        Path file = dir.resolve("store.db");
        Path log = dir.resolve("probe.log");
        Process probe = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                StoreKillProbe.class.getName(), file.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            awaitSteps(file, probe, log, 20);
        } finally {
            probe.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
            probe.waitFor(10, TimeUnit.SECONDS);
        }

        try (RunStore store = RunStore.open(file)) {
            assertEquals("ok", StepFixtures.text(file, "PRAGMA integrity_check"));
            assertEquals(0, StepFixtures.count(file, "SELECT COUNT(*) FROM pragma_foreign_key_check"));
            RunInfo run = store.runs().get(0);
            List<Integer> steps = store.metrics(run.id()).stream().map(StepMetrics::step).toList();
            int n = steps.size();
            assertTrue(n >= 20, "steps stored before the kill: " + n);
            assertEquals(IntStream.rangeClosed(1, n).boxed().toList(), steps, "contiguous 1..n");
            for (int s = 1; s <= n; s++) {
                assertSameStep(StepFixtures.step(run.id(), s, GROUPS, ROLLOUTS, TOKENS),
                        store.step(run.id(), s).orElseThrow());
            }
            assertEquals((long) n * GROUPS * ROLLOUTS, StepFixtures.count(file, "SELECT COUNT(*) FROM token_traces"),
                    "no orphan rows from a half-written step");
            int checkpoint = store.latestCheckpoint(run.id()).orElseThrow().step();
            assertTrue(checkpoint <= n && checkpoint > n - 10, "checkpoint " + checkpoint + " with " + n + " steps");
            // and the store takes the run up where it stopped
            store.appendStep(StepFixtures.step(run.id(), n + 1, GROUPS, ROLLOUTS, TOKENS));
            assertEquals(n + 1, store.run(run.id()).orElseThrow().lastStep());
        }
    }

    private static void awaitSteps(Path file, Process probe, Path log, int wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!probe.isAlive()) {
                fail("the probe exited with " + probe.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.exists(file)) {
                try (RunStore store = RunStore.open(file)) {
                    List<RunInfo> runs = store.runs();
                    if (!runs.isEmpty() && runs.get(0).lastStep() >= wanted) {
                        return;
                    }
                } catch (StoreException notYet) {
                    // the probe is still creating the schema
                }
            }
            Thread.sleep(20);
        }
        fail("the probe stored fewer than " + wanted + " steps in 30 s:\n" + Files.readString(log));
    }
}
