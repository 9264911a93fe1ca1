package org.grpowb.core.plugin.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What scoring through the worker costs per rollout, beyond the function's own work: a trivial function on a step's
 * worth of completions (64 of about 600 characters, with prompts and two data columns). Printed, not asserted, as it
 * depends on the machine.
 */
class PythonWorkerOverheadTest {

    private static final int ROLLOUTS = 64;
    private static final int REPEATS = 15;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPython() {
        Assumptions.assumeTrue(PythonSettings.available("python3"), "no python3 3.8+ on this machine");
    }

    @Test
    void perRolloutOverheadOfA64CompletionBatch() throws Exception {
        Path file = Files.writeString(dir.resolve("trivial.py"), """
                def nonempty(completions, answer, **kwargs):
                    return [1.0 if c else 0.0 for c in completions]
                """);
        List<String> completions = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < ROLLOUTS; i++) {
            completions.add(("Step " + i + ": we add the two numbers and carry the one. ").repeat(12));
            examples.add(new Example("ex" + i / 8, "Question " + i / 8 + ": what is 17 + 25? ".repeat(4), "42",
                    Map.of("difficulty", String.valueOf(i % 5), "source", "gsm8k")));
        }
        PythonSettings settings = new PythonSettings("python3", Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (PythonRewardFile rewards = PythonRewardFile.open(file, settings)) {
            RewardFunction f = rewards.functions().get(0);
            for (int i = 0; i < 3; i++) {
                f.scoreBatch(completions, examples);
            }
            long[] nanos = new long[REPEATS];
            for (int r = 0; r < REPEATS; r++) {
                long t = System.nanoTime();
                List<RewardResult> scored = f.scoreBatch(completions, examples);
                nanos[r] = System.nanoTime() - t;
                assertEquals(ROLLOUTS, scored.size());
            }
            Arrays.sort(nanos);
            double batchMs = nanos[REPEATS / 2] / 1e6;
            System.out.printf("Python worker: a %d-completion batch takes %.2f ms (median of %d), %.1f us per"
                    + " rollout%n", ROLLOUTS, batchMs, REPEATS, batchMs * 1000 / ROLLOUTS);
        }
    }
}
