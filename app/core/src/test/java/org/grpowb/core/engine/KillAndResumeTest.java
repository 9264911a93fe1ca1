package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of a run, then resume: the store stays consistent, no step is lost or duplicated,
 * and the resumed run reproduces the uninterrupted run step for step.
 */
class KillAndResumeTest {

    private static final int STEPS = 16;

    @TempDir
    Path dir;

    @Test
    void aKilledRunResumesWithoutLostOrDuplicatedSteps() throws Exception {
        Project p = EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(STEPS, "checkpoint_every: 3")), Map.of());
        Path storeFile = dir.resolve("runs.db");

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                // the same PyTorch threading as this JVM: multi-threaded reductions would change the last bits
                "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "1"),
                "-Dai.djl.pytorch.num_interop_threads=1",
                KillableTraining.class.getName(), dir.toString(), storeFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long runId;
        try (RunStore store = RunStore.open(storeFile)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (true) {
                List<RunInfo> runs = store.runs();
                if (!runs.isEmpty() && runs.get(0).lastStep() >= 8) {
                    runId = runs.get(0).id();
                    break;
                }
                assertTrue(child.isAlive(), "child exited early: " + java.nio.file.Files.readString(dir.resolve("child.log")));
                assertTrue(System.nanoTime() < deadline, "child made no progress");
                Thread.sleep(50);
            }
        }
        child.destroyForcibly().waitFor();
        assertEquals(137, child.exitValue(), "killed with SIGKILL");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + storeFile);
             ResultSet rs = c.createStatement().executeQuery("pragma integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1));
        }
        try (RunStore store = RunStore.open(storeFile)) {
            int before = store.metrics(runId).size();
            assertTrue(before >= 8 && before < STEPS, "killed mid-run at " + before);
            assertEquals("running", store.run(runId).orElseThrow().status());

            RunSummary resumed = new TrainingRun(p, store, null).resume(runId);
            assertEquals("done", resumed.status(), resumed.message());
            List<StepMetrics> got = store.metrics(runId);
            assertEquals(java.util.stream.IntStream.rangeClosed(1, STEPS).boxed().toList(),
                    got.stream().map(StepMetrics::step).toList(), "each step exactly once");

            RunSummary straight = new TrainingRun(p, store, null).start();
            List<StepMetrics> want = store.metrics(straight.runId());
            for (int i = 0; i < STEPS; i++) {
                assertEquals(want.get(i).rewardMean(), got.get(i).rewardMean(), 1e-9, "reward at step " + (i + 1));
                assertEquals(want.get(i).loss(), got.get(i).loss(), 1e-5, "loss at step " + (i + 1));
            }
            assertEquals(straight.evalAccuracyAfter(), resumed.evalAccuracyAfter(), 1e-9);
        }
    }
}
