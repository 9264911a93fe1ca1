package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs train on whatever thread starts them, as the window starts each run on a new one. PyTorch starts every thread
 * recording autograd graphs and DJL turns that off only on the thread that initialises the engine; before
 * {@link GradMode} a run on any other thread failed at its first optimiser step.
 */
class TrainingOnAnyThreadTest {

    @TempDir
    Path dir;

    @Test
    void aRunOnAFreshThreadTrainsAndTheThreadRecordsNoGraphOutsideTheTape() throws Exception {
        Engine.getInstance(); // the engine is up on this thread, as it is in the window after its first run
        Project project = EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(2, "")), Map.of());
        for (int attempt = 1; attempt <= 2; attempt++) {
            AtomicReference<RunSummary> summary = new AtomicReference<>();
            AtomicReference<Boolean> recordingAfter = new AtomicReference<>();
            AtomicReference<Boolean> recordingBefore = new AtomicReference<>();
            Thread t = new Thread(() -> {
                recordingBefore.set(GradModeProbe.recordingBeforeAnyCall());
                try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
                    summary.set(new TrainingRun(project, store, e -> { }).start());
                }
                recordingAfter.set(GradMode.recording());
            }, "fresh-" + attempt);
            t.start();
            t.join();
            assertTrue(recordingBefore.get(), "a fresh thread starts recording (the trap this guards against)");
            assertEquals("done", summary.get().status(), summary.get().message());
            assertEquals(2, summary.get().steps());
            assertFalse(recordingAfter.get(), "no graph is recorded outside the gradient tape");
        }
    }

    /** Reads the thread's grad mode without turning it off. */
    private static final class GradModeProbe {
        static boolean recordingBeforeAnyCall() {
            return ai.djl.pytorch.jni.JniUtils.isGradMode();
        }
    }
}
