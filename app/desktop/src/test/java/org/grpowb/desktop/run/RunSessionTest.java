package org.grpowb.desktop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javafx.scene.Scene;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

/**
 * One session, runs one after another, as the window starts them: each run's end is announced exactly once, so the
 * end of one run can never stop the event pump of the next (a second, late announcement once did). A run that pauses
 * itself is held paused until the user resumes or stops it.
 */
class RunSessionTest extends ApplicationTest {

    @TempDir
    static Path dir;

    @Override
    public void start(Stage stage) {
        stage.setScene(new Scene(new Pane(), 100, 100));
        stage.show();
    }

    @Test
    void consecutiveRunsEachAnnounceTheirStartAndEndOnce() throws Exception {
        Path project = copySample("arithmetic");
        Project p = new ProjectLoader(PluginRegistry.discover()).load(project, Map.of("training.steps", 2,
                "training.prompts_per_step", 4, "training.eval_every", 0, "training.checkpoint_every", 2));
        Path store = project.resolve("runs/runs.db");
        Files.createDirectories(store.getParent());
        RunSession session = new RunSession();
        List<String> seen = new ArrayList<>();
        interact(() -> session.onFrame(batch -> batch.forEach(e -> {
            if (e instanceof RunEvent.Started s) {
                seen.add("started " + s.runId());
            } else if (e instanceof RunEvent.Finished f) {
                seen.add("finished " + f.runId());
            }
        })));
        for (int run = 1; run <= 3; run++) {
            interact(() -> session.start(p, store));
            long id = run;
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                    () -> session.stateProperty().get() == RunSession.State.FINISHED && session.runId() == id);
            // anything still in flight from this run arrives within a few frames
            Thread.sleep(300);
            WaitForAsyncUtils.waitForFxEvents();
        }
        assertEquals(List.of("started 1", "finished 1", "started 2", "finished 2", "started 3", "finished 3"), seen);
    }

    /**
     * A reward that fails on every rollout makes the run pause itself before step 1: the session shows it paused,
     * with the engine's reason, so that the toolbar offers Resume and Stop. Resume retries the step (paused again
     * while the reward still fails, finished once it scores); Stop ends the run as stopped, naming the reason.
     */
    @Test
    void aRunThatPausesItselfIsShownPausedWithItsReasonUntilResumedOrStopped() throws Exception {
        Path project = copySample("flaky");
        FlakyReward flaky = new FlakyReward();
        Project p = withReward(new ProjectLoader(PluginRegistry.discover()).load(project, Map.of("training.steps", 2,
                "training.prompts_per_step", 4, "training.eval_every", 0, "training.checkpoint_every", 2)), flaky);
        Path store = project.resolve("runs/runs.db");
        Files.createDirectories(store.getParent());
        RunSession session = new RunSession();
        List<Integer> pausedBefore = new CopyOnWriteArrayList<>();
        interact(() -> session.onFrame(batch -> batch.forEach(e -> {
            if (e instanceof RunEvent.Paused paused) {
                pausedBefore.add(paused.step());
            }
        })));

        interact(() -> session.start(p, store));
        waitUntil(session, RunSession.State.PAUSED);
        assertEquals(List.of(1), pausedBefore);
        assertEquals(0, session.stepProperty().get(), "nothing of step 1 was applied");
        String why = session.messageProperty().get();
        assertTrue(why.contains("reward 'flaky' failed on 32 of 32 rollouts") && why.contains("verifier down")
                && why.contains("step 1 was not applied"), why);

        // Resume with the verifier still down: the step is tried again and the run pauses before it again
        interact(session::resume);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> pausedBefore.size() == 2);
        waitUntil(session, RunSession.State.PAUSED);
        assertEquals(List.of(1, 1), pausedBefore);

        // the verifier is back: Resume retries step 1 and the run trains to its end
        flaky.down.set(false);
        interact(session::resume);
        assertEquals("", session.messageProperty().get(), "resumed, the old reason is gone");
        waitUntil(session, RunSession.State.FINISHED);
        assertEquals(2, session.stepProperty().get());
        long resumed = session.runId();

        // a second run pauses the same way; Stop ends it, resumable, with the reason in its message
        flaky.down.set(true);
        interact(() -> session.start(p, store));
        waitUntil(session, RunSession.State.PAUSED);
        assertTrue(session.runId() > resumed);
        interact(session::stop);
        waitUntil(session, RunSession.State.FINISHED);
        assertTrue(session.messageProperty().get().startsWith("stopped at step 0: reward 'flaky' failed"),
                session.messageProperty().get());
        try (RunStore runs = RunStore.open(store)) {
            assertEquals("done", runs.run(resumed).orElseThrow().status());
            assertEquals("stopped", runs.run(session.runId()).orElseThrow().status());
        }
    }

    private static void waitUntil(RunSession session, RunSession.State state) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> session.stateProperty().get() == state);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Fails every call while its verifier is "down", else gives 1 to every completion. */
    private static final class FlakyReward implements RewardFunction {
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

    private static Project withReward(Project p, RewardFunction reward) {
        List<Project.RewardChoice> rewards = new ArrayList<>(p.rewards());
        rewards.add(new Project.RewardChoice(reward, 1.0, Settings.empty()));
        return new Project(p.dir(), p.file(), p.name(), p.data(), p.model(), p.variant(), rewards, p.training(), p.sft(),
                p.hints(), p.curriculum(), p.resolvedConfig(), p.steering());
    }

    /** A copy of the sample project (without its runs) named {@code name} in the test's folder. */
    private static Path copySample(String name) throws IOException {
        Path project = dir.resolve(name);
        Path from = Path.of("../../sample-projects/arithmetic");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
                Path rel = from.relativize(f);
                if (rel.toString().startsWith("runs")) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    Files.createDirectories(project.resolve(rel.toString()));
                } else {
                    Files.copy(f, project.resolve(rel.toString()));
                }
            }
        }
        return project;
    }
}
