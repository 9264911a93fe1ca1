package org.grpowb.core.plugin.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.grpowb.api.Example;
import org.grpowb.api.Settings;
import org.grpowb.core.engine.RewardScorer;
import org.grpowb.core.project.Project;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python rewards through the engine's {@link RewardScorer}: per-rollout failures, and the scorer's own deadline. */
class PythonRewardScoringTest {

    private static final List<Example> THREE = List.of(new Example("a", "p", "4", Map.of()),
            new Example("b", "p", "5", Map.of()), new Example("c", "p", "7", Map.of()));

    /**
     * The scorer's time box in the deadline test: the hang costs this long, and the next step's round trip to the
     * fresh worker must fit in it. 1 s was too tight on a loaded CI machine (the round trip itself timed out once).
     */
    private static final int DEADLINE_MS = 3000;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPython() {
        Assumptions.assumeTrue(PythonSettings.available("python3"), "no python3 3.8+ on this machine");
    }

    @Test
    void noneAndAnOutOfRangeScoreFailOnlyTheirRollouts() throws Exception {
        Path file = Files.writeString(dir.resolve("partial.py"), """
                def partial(completions, answer, **kwargs):
                    return [1.0, None, 2.0]
                """);
        try (PythonRewardFile rewards = PythonRewardFile.open(file, PythonSettings.fromSystem());
             RewardScorer scorer = new RewardScorer(List.of(new Project.RewardChoice(rewards.functions().get(0), 1.0,
                     Settings.empty())), 10_000)) {
            List<RewardScorer.Scored> scored = scorer.score(THREE, List.of("4", "x", "7"));
            assertFalse(scored.get(0).failed());
            assertArrayEquals(new double[] {1.0}, scored.get(0).components());
            assertEquals("returned no score (None, or not a finite number)", scored.get(1).failures().get("partial"));
            assertTrue(scored.get(2).failures().get("partial").contains("outside its declared range [0.0, 1.0]"),
                    scored.get(2).failures().toString());
        }
    }

    @Test
    void theScorersDeadlineStopsTheWorkerAndTheNextStepRestartsIt() throws Exception {
        Path file = Files.writeString(dir.resolve("stuck.py"), """
                import time
                def stuck(completions, answer, **kwargs):
                    if completions[0] == "hang":
                        time.sleep(60)
                    return [1.0 for _ in completions]
                """);
        PythonSettings settings = new PythonSettings("python3", Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (PythonRewardFile rewards = PythonRewardFile.open(file, settings);
             RewardScorer scorer = new RewardScorer(List.of(new Project.RewardChoice(rewards.functions().get(0), 1.0,
                     Settings.empty())), DEADLINE_MS)) {
            ProcessHandle first = rewards.workerProcess().orElseThrow();
            List<RewardScorer.Scored> hung = scorer.score(THREE, List.of("hang", "x", "y"));
            assertTrue(hung.stream().allMatch(RewardScorer.Scored::failed));
            assertEquals("timed out after " + DEADLINE_MS + " ms", hung.get(0).failures().get("stuck"));
            // the scorer's cancel interrupts the waiting call, which kills the worker rather than leave it busy...
            first.onExit().get(10, TimeUnit.SECONDS);
            // ...and starts its replacement at once, so that the next step's time box is not spent on a start
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!rewards.ready() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, rewards.restarts());

            List<RewardScorer.Scored> next = scorer.score(THREE, List.of("4", "5", "7"));
            assertTrue(next.stream().noneMatch(RewardScorer.Scored::failed), next.toString());
            assertEquals(1, rewards.restarts());
        }
    }
}
