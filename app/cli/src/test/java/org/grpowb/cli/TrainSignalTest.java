package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grpowb train} told by the operating system to end — SIGTERM, as a desktop session's logout sends (Ctrl-C's
 * SIGINT takes the same path through the JVM's shutdown hooks): the run ends {@code stopped} after its current step,
 * every step stored once, and {@code --resume} trains it to the end.
 */
class TrainSignalTest {

    private static final int STEPS = 100;

    @TempDir
    Path dir;

    @Test
    void sigtermStopsTheRunAfterItsStepAndResumeFinishesIt() throws Exception {
        Path project = tinyProject(dir.resolve("tiny"));
        Path storeFile = dir.resolve("runs.db");
        Path err = dir.resolve("child.err");
        Process child = TrainSignalTest.startTraining(project, storeFile, err, dir.resolve("child.out"));

        int seen = stepsStored(child, storeFile, err, 3);
        child.destroy(); // SIGTERM on Linux
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child exits after its run stops");
        String log = Files.readString(err);
        assertEquals(143, child.exitValue(), "the JVM reports the SIGTERM it ended on: " + log);
        assertTrue(log.contains("grpowb: stopping after step "), log);
        String out = Files.readString(dir.resolve("child.out"));
        assertTrue(out.contains("\"status\":\"stopped\""), "the command printed its summary before the JVM halted: "
                + out.substring(Math.max(0, out.length() - 400)));

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + storeFile);
             ResultSet rs = c.createStatement().executeQuery("pragma integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1));
        }
        long runId;
        try (RunStore store = RunStore.open(storeFile)) {
            RunInfo run = store.runs().get(0);
            runId = run.id();
            assertEquals("stopped", run.status(), log);
            List<Integer> steps = store.metrics(runId).stream().map(StepMetrics::step).toList();
            assertTrue(steps.size() >= seen && steps.size() < STEPS, "stopped at " + steps.size() + " of " + STEPS
                    + " after " + seen + " were seen");
            assertEquals(IntStream.rangeClosed(1, steps.size()).boxed().toList(), steps, "each step exactly once");
        }

        CliTest.Result resumed = CliTest.run("train", project.toString(), "--store", storeFile.toString(), "--resume",
                "--json");
        assertEquals(0, resumed.code(), resumed.err());
        String[] lines = resumed.out().strip().split("\n");
        JsonNode done = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("done", done.path("status").asText(), resumed.out());
        assertEquals(runId, done.path("run_id").asLong());
        try (RunStore store = RunStore.open(storeFile)) {
            assertEquals("done", store.run(runId).orElseThrow().status());
            assertEquals(IntStream.rangeClosed(1, STEPS).boxed().toList(),
                    store.metrics(runId).stream().map(StepMetrics::step).toList(), "each step exactly once");
        }
    }

    /** {@code grpowb train PROJECT --store STORE --json} in a JVM of its own, one PyTorch thread, output to files. */
    static Process startTraining(Path project, Path storeFile, Path err, Path out) throws java.io.IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                Grpowb.class.getName(), "train", project.toString(), "--store", storeFile.toString(), "--json")
                .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
    }

    /** Waits until the child's run has stored at least {@code atLeast} steps; returns how many it has. */
    static int stepsStored(Process child, Path storeFile, Path err, int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(storeFile)) {
            assertTrue(child.isAlive(), "child exited early: " + Files.readString(err));
            assertTrue(System.nanoTime() < deadline, "the child made no store");
            Thread.sleep(20);
        }
        try (RunStore store = RunStore.open(storeFile)) {
            while (true) {
                List<RunInfo> runs = store.runs();
                int last = runs.isEmpty() ? 0 : runs.get(0).lastStep();
                if (last >= atLeast) {
                    return last;
                }
                assertTrue(child.isAlive(), "child exited early: " + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "the child made no progress: " + Files.readString(err));
                Thread.sleep(20);
            }
        }
    }

    /** Addition from scratch, with steps heavy enough that the signal lands mid-run. */
    private static Path tinyProject(Path project) throws Exception {
        Files.createDirectories(project);
        Files.write(project.resolve("data.jsonl"), AdditionData.lines(100, 7, 10));
        Files.writeString(project.resolve("project.yaml"), """
                name: signalled
                data: {file: data.jsonl}
                model: {name: tiny-gpt, settings: {layers: 1, width: 32, heads: 2, context: 16}}
                variant: {name: grpo}
                rewards:
                  - {name: exact_answer, weight: 1.0}
                training: {steps: %d, prompts_per_step: 8, group_size: 8, max_new_tokens: 6, eval_every: 0,
                           checkpoint_every: 5}
                """.formatted(STEPS));
        return project;
    }
}
