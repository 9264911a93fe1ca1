package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunComparisonTest {

    @TempDir
    Path dir;

    private static StepRecord step(long run, int step, double flipRate, double counted, double wallMs) {
        StepMetrics m = new StepMetrics(step, 0.5, 0.1, 0.5, 0.1, 0.0, 1.0, 0.0, 0.0, 1000, 4, 0, false, wallMs,
                Map.of("flip_rate", flipRate, "flip_counted", counted));
        return new StepRecord(run, m, List.of());
    }

    @Test
    void theFlipRateIsPooledOverTheRunsJudgedRolloutsAndTheStepTimeIsTheMedian() {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            long run = store.createRun("p", "grpo", 1, "{}");
            // 1 flip of 2 judged, then 0 of 8: pooled 1/10, where the mean of the step rates would say 0.25
            store.appendStep(step(run, 1, 0.5, 2, 30));
            store.appendStep(step(run, 2, 0.0, 8, 10));
            store.appendStep(step(run, 3, 0.0, 0, 20));
            RunComparison c = RunComparison.of("grpo", store, run, 1.0);
            assertEquals(0.1, c.meanFlipRate(), 1e-12);
            assertEquals(20.0, c.medianStepMs(), 0.0);
        }
    }
}
