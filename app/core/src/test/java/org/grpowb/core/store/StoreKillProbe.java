package org.grpowb.core.store;

import java.nio.file.Path;

/**
 * Run by {@link StoreKillTest} in a child JVM: appends steps through a {@link StoreWriter} until it is killed.
 * Every fifth step it records a checkpoint row, so the test can check that a checkpoint never outlives its step.
 */
public final class StoreKillProbe {

    private StoreKillProbe() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long runId;
        try (RunStore store = RunStore.open(file)) {
            runId = store.createRun("kill-probe", "grpo", 7, "{}");
        }
        StoreWriter writer = StoreWriter.open(file, 8, 4);
        for (int step = 1; ; step++) {
            writer.appendStep(StepFixtures.step(runId, step, StoreKillTest.GROUPS, StoreKillTest.ROLLOUTS,
                    StoreKillTest.TOKENS));
            if (step % 5 == 0) {
                writer.recordCheckpoint(runId, step, "ckpt/step-" + step);
            }
        }
    }
}
