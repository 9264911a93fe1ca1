package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.grpowb.core.TestProjects;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginJarFixture;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.UserTrustFile;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin file replaced during a run scores from the next step boundary on, through a {@code plugins} edit: the run
 * reloads the project's plugins (the new bytes, once trusted) and keeps every reward's name and weight; a new version
 * that no longer provides a reward the run uses is refused, and the run goes on with the old one.
 */
class PluginReloadEditTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final UserTrustFile userTrust = new UserTrustFile();

    /** v1 of plugins/short.jar gives every completion 0 (no answer has at most −1 characters). */
    private Project projectWithShortPlugin(Path p) throws Exception {
        TestProjects.write(p, TestProjects.tinyYaml(TestProjects.GRPO,
                TestProjects.EXACT + "  - {name: short, weight: 0.5}\n", TestProjects.training(3, "")));
        EngineFixture.copyTree(EngineFixture.warmStart(), p.resolve("warm"));
        userTrust.trust().trust(PluginFile.of(PluginJarFixture.shortAnswerReward(p.resolve("plugins/short.jar"),
                "short", -1, "")));
        return new ProjectLoader(PluginRegistry.forProject(p, userTrust.trust())).load(p, Map.of());
    }

    private static List<Double> shortScores(RunStore store, long runId, int step) {
        return store.step(runId, step).orElseThrow().groups().stream().map(GroupRecord::rollouts)
                .flatMap(List::stream).map(RolloutRecord::rewards).map(r -> r.get("short")).toList();
    }

    /**
     * Trains {@code project} for its three steps; after step 1, plugins/short.jar is replaced by a jar providing
     * {@code name} (scoring 1 for any completion), trusted, and a plugins edit submitted, as the window does.
     */
    private RunSummary runReplacingAfterStep1(Project project, Path p, RunStore store, String name,
                                              List<RunEvent> events) {
        return new TrainingRun(project, store, e -> {
            events.add(e);
            if (e instanceof RunEvent.StepCompleted sc && sc.step().step() == 1) {
                try {
                    userTrust.trust().trust(PluginFile.of(PluginJarFixture.shortAnswerReward(
                            p.resolve("plugins/short.jar"), name, 1000, "")));
                } catch (java.io.IOException io) {
                    throw new java.io.UncheckedIOException(io);
                }
                store.submitEdit(e.runId(), Edits.PLUGINS, "{}", "test");
            }
        }).start();
    }

    @Test
    void aReplacedJarScoresFromTheNextStepOn() throws Exception {
        Path p = dir.resolve("p");
        Project project = projectWithShortPlugin(p);
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = runReplacingAfterStep1(project, p, store, "short", events);
            assertEquals("done", s.status(), s.message());
            assertTrue(shortScores(store, s.runId(), 1).stream().allMatch(v -> v == 0.0));
            assertTrue(shortScores(store, s.runId(), 2).stream().allMatch(v -> v == 1.0), "v2 from step 2");
            assertTrue(shortScores(store, s.runId(), 3).stream().allMatch(v -> v == 1.0));
            RunEvent.EditApplied applied = events.stream().filter(RunEvent.EditApplied.class::isInstance)
                    .map(RunEvent.EditApplied.class::cast).findFirst().orElseThrow();
            assertEquals(2, applied.step());
            assertEquals(Edits.PLUGINS, applied.edit().kind());
        }
    }

    @Test
    void aNewVersionWithoutTheRewardIsRefusedAndTheOldOneGoesOn() throws Exception {
        Path p = dir.resolve("q");
        Project project = projectWithShortPlugin(p);
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        try (RunStore store = RunStore.open(dir.resolve("runs-q.db"))) {
            RunSummary s = runReplacingAfterStep1(project, p, store, "renamed", events);
            assertEquals("done", s.status(), s.message());
            RunEvent.EditRefused refused = events.stream().filter(RunEvent.EditRefused.class::isInstance)
                    .map(RunEvent.EditRefused.class::cast).findFirst().orElseThrow();
            assertTrue(refused.reason().contains("unknown reward 'short'"), refused.reason());
            assertTrue(shortScores(store, s.runId(), 3).stream().allMatch(v -> v == 0.0), "v1 goes on");
        }
    }
}
