package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javafx.scene.control.TreeItem;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginJarFixture;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.run.RunSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project that brings its own reward plugin, as a user meets it: the window asks before running the jar, opening
 * without it names the jar as untrusted, and trusting it (File → Trust Project Plugins) loads it and a run scores
 * with it.
 */
class ProjectPluginsWindowTest extends WindowTest {

    @TempDir
    static Path dir;

    private Workbench workbench;
    private PluginTrust trust;
    private Path project;

    @Override
    public void start(Stage stage) throws IOException {
        project = dir.resolve("with-plugin");
        copyTree(SAMPLE, project);
        Files.writeString(project.resolve("project.yaml"), Files.readString(project.resolve("project.yaml"))
                .replace("rewards:\n", "rewards:\n  - name: short_answer\n    weight: 0.5\n"));
        PluginJarFixture.shortAnswerReward(project.resolve("plugins/short-answer.jar"), "short_answer", 3, "");
        trust = new PluginTrust(dir.resolve("trusted-plugins"));
        workbench = new Workbench(project, Map.of("training.steps", 2, "training.prompts_per_step", 4,
                "training.eval_every", 0, "training.checkpoint_every", 2), prefs, trust);
        show(stage, workbench, 1200, 800);
    }

    @Test
    void theWindowAsksBeforeRunningAProjectsPluginAndLoadsItOnceTrusted() throws Exception {
        waitUntil(() -> lookup("#trustPlugins").tryQuery().isPresent(), "the window asks about the plugin");
        assertTrue(lookup("#pluginList").queryTextInputControl().getText().startsWith("short-answer.jar   sha256 "));
        WindowTests.screenshot(lookup("#trustPlugins").query().getScene().getRoot(), "trust-plugins.png");
        clickOn("#skipPlugins");
        settle(workbench);
        assertFalse(Files.exists(trust.file()), "declining trusts nothing");
        String problem = workbench.problems().getItems().get(0).message();
        assertTrue(problem.contains("unknown reward 'short_answer'") && problem.contains("short-answer.jar (not trusted"),
                problem);

        clickOn("File").clickOn("#trustProjectPlugins");
        waitUntil(() -> lookup("#trustPlugins").tryQuery().isPresent(), "asked again");
        clickOn("#trustPlugins");
        settle(workbench);
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
        assertTrue(Files.readString(trust.file()).contains(" " + project.resolve("plugins/short-answer.jar")));
        javafx.scene.control.TreeView<?> tree = lookup("#explorer").queryAs(javafx.scene.control.TreeView.class);
        TreeItem<?> rewards = tree.getRoot().getChildren().stream()
                .filter(t -> t.getValue().toString().equals("rewards")).findFirst().orElseThrow();
        assertTrue(rewards.getChildren().stream().anyMatch(t -> t.getValue().toString().equals("short_answer × 0.5")));
        TreeItem<?> jars = tree.getRoot().getChildren().stream()
                .filter(t -> t.getValue().toString().equals("plugins")).findFirst().orElseThrow();
        assertEquals("short-answer.jar · loaded", jars.getChildren().get(0).getValue().toString());

        // a short run scores every rollout with the plugin
        RunSession session = workbench.session();
        WindowTests.startRun(workbench, () -> clickOn("#run"));
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED
                || session.stateProperty().get() == RunSession.State.FAILED, "the run ends");
        assertEquals(RunSession.State.FINISHED, session.stateProperty().get(), session.messageProperty().get());
        try (RunStore store = RunStore.open(workbench.storeFile())) {
            var step = store.step(session.runId(), 2).orElseThrow();
            for (var group : step.groups()) {
                for (var rollout : group.rollouts()) {
                    assertFalse(rollout.rewardFailed());
                    double expected = rollout.completion().strip().length() <= 3 ? 1.0 : 0.0;
                    assertEquals(expected, rollout.rewards().get("short_answer"), rollout.completion());
                }
            }
        }
    }
}
