package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reward that fails on more than {@code reward_failure_pause_share} of a step's rollouts pauses the run before the
 * step is applied; resuming retries the step, stopping leaves the run resumable.
 */
class RewardFailurePauseTest {

    /** Fails every call while its verifier is "down", else gives 1 to every completion. */
    private static final class FlakyVerifier implements RewardFunction {
        final AtomicBoolean down = new AtomicBoolean(true);

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public String description() {
            return "fails while its verifier is down";
        }

        @Override
        public RewardResult score(String completion, Example example) {
            if (down.get()) {
                throw new IllegalStateException("verifier down");
            }
            return RewardResult.of("flaky", 1.0, Verdict.UNVERIFIED);
        }
    }

    private static Project withFlaky(Project p, FlakyVerifier flaky) {
        List<Project.RewardChoice> rewards = new ArrayList<>(p.rewards());
        rewards.add(new Project.RewardChoice(flaky, 1.0, Settings.empty()));
        return new Project(p.dir(), p.file(), p.name(), p.data(), p.model(), p.variant(), rewards, p.training(), p.sft(),
                p.hints(), p.curriculum(), p.resolvedConfig(), p.steering());
    }

    @Test
    void resumingAfterThePauseRetriesTheStepThatWasNotApplied(@TempDir Path dir) throws Exception {
        FlakyVerifier flaky = new FlakyVerifier();
        Project project = withFlaky(EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(2, "")), Map.of()), flaky);
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        AtomicReference<TrainingRun> run = new AtomicReference<>();
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            run.set(new TrainingRun(project, store, e -> {
                events.add(e);
                if (e instanceof RunEvent.Paused) {
                    // the user fixes the verifier and presses Resume
                    flaky.down.set(false);
                    run.get().resumeTraining();
                }
            }));
            RunSummary s = run.get().start();

            List<RunEvent.Paused> paused = events.stream().filter(RunEvent.Paused.class::isInstance)
                    .map(RunEvent.Paused.class::cast).toList();
            assertEquals(1, paused.size());
            assertEquals(1, paused.get(0).step());
            assertTrue(paused.get(0).reason().contains("reward 'flaky' failed on 32 of 32 rollouts"), paused.get(0).reason());
            assertTrue(paused.get(0).reason().contains("verifier down"), paused.get(0).reason());
            assertTrue(paused.get(0).reason().contains("step 1 was not applied"), paused.get(0).reason());
            // the pause came before anything of step 1 was recorded, and the retried step scored without failures
            int pauseAt = events.indexOf(paused.get(0));
            assertTrue(events.subList(0, pauseAt).stream().noneMatch(RunEvent.StepCompleted.class::isInstance));
            assertEquals("done", s.status());
            assertEquals(List.of(1, 2), store.metrics(s.runId()).stream().map(m -> m.step()).toList());
            assertEquals(0, store.metrics(s.runId()).get(0).rewardFailures());
        }
    }

    @Test
    void stoppingWhilePausedLeavesTheRunStoppedWithTheReasonAndResumable(@TempDir Path dir) throws Exception {
        FlakyVerifier flaky = new FlakyVerifier();
        Project project = withFlaky(EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(2, "")), Map.of()), flaky);
        AtomicReference<TrainingRun> run = new AtomicReference<>();
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            run.set(new TrainingRun(project, store, e -> {
                if (e instanceof RunEvent.Paused) {
                    run.get().requestStop();
                }
            }));
            RunSummary s = run.get().start();
            assertEquals("stopped", s.status());
            assertEquals(0, s.steps());
            assertTrue(s.message().contains("reward 'flaky' failed on 32 of 32 rollouts"), s.message());
            assertTrue(store.metrics(s.runId()).isEmpty());

            flaky.down.set(false);
            RunSummary resumed = new TrainingRun(project, store, e -> { }).resume(s.runId());
            assertEquals("done", resumed.status());
            assertEquals(List.of(1, 2), store.metrics(s.runId()).stream().map(m -> m.step()).toList());
        }
    }

    @Test
    void aRunThatNobodyCouldResumeStopsInsteadOfPausing(@TempDir Path dir) throws Exception {
        FlakyVerifier flaky = new FlakyVerifier();
        Project project = withFlaky(EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(2, "")), Map.of()), flaky);
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(project, store, null).start();
            assertEquals("stopped", s.status());
            assertTrue(s.message().startsWith("stopped at step 0: reward 'flaky' failed on 32 of 32 rollouts"),
                    s.message());
        }
    }
}
