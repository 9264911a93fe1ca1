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
import java.util.List;
import java.util.Map;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.grpowb.api.RewardFunction;
import org.grpowb.core.plugin.PluginJarFixture;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.desktop.run.RunSession;
import org.grpowb.desktop.shell.Problem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trusted reward plugin whose verifier is down fails on every rollout, and the run pauses itself before step 1: the
 * window says why as an error (problems list, notification, console), shows the run paused with Resume and Stop, and
 * Resume retries the step once the verifier is back.
 */
class RewardPauseWindowTest extends WindowTest {

    /** The plugin fails while this system property is true (plugins see the JVM's properties like any code). */
    private static final String DOWN = "grpowb.test.flaky-verifier.down";

    @TempDir
    static Path dir;

    private Workbench workbench;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("with-flaky-reward");
        copyTree(SAMPLE, project);
        Files.writeString(project.resolve("project.yaml"), Files.readString(project.resolve("project.yaml"))
                .replace("rewards:\n", "rewards:\n  - name: flaky\n    weight: 0.5\n"));
        PluginJarFixture.jar(project.resolve("plugins/flaky.jar"), "com.example.flaky.Flaky", """
                package com.example.flaky;

                import org.grpowb.api.Example;
                import org.grpowb.api.RewardFunction;
                import org.grpowb.api.RewardResult;
                import org.grpowb.api.Verdict;

                public final class Flaky implements RewardFunction {
                    public String name() { return "flaky"; }
                    public String description() { return "fails while its verifier is down"; }
                    public RewardResult score(String completion, Example example) {
                        if (Boolean.getBoolean("%s")) {
                            throw new IllegalStateException("verifier down");
                        }
                        return RewardResult.of(name(), 1.0, Verdict.UNVERIFIED);
                    }
                }
                """.formatted(DOWN), RewardFunction.class);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        PluginRegistry.files(project).forEach(trust::trust);
        System.setProperty(DOWN, "true");
        workbench = new Workbench(project, Map.of("training.steps", 2, "training.prompts_per_step", 4,
                "training.eval_every", 0, "training.checkpoint_every", 2), prefs, trust);
        show(stage, workbench, 1200, 800);
    }

    @AfterEach
    void verifierBack() {
        System.clearProperty(DOWN);
    }

    @Test
    void aRewardFailingOnMostRolloutsPausesTheRunWithItsReasonUntilResumed() {
        settle(workbench);
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
        RunSession session = workbench.session();
        WindowTests.startRun(workbench, () -> clickOn("#run"));
        waitUntil(() -> session.stateProperty().get() == RunSession.State.PAUSED, "the run pauses itself");

        List<String> problems = workbench.problems().getItems().stream().map(Problem::message).toList();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("run " + session.runId() + " paused before step 1: reward 'flaky' "
                + "failed on 32 of 32 rollouts (first: ") && problems.get(0).contains("verifier down")
                && problems.get(0).contains("then Resume to retry the step, or Stop"), problems.get(0));
        assertTrue(workbench.notifier().showing().startsWith("run " + session.runId() + " paused before step 1"),
                workbench.notifier().showing());
        List<String> console = lookup("#console").queryListView().getItems().stream().map(String::valueOf).toList();
        assertTrue(console.stream().anyMatch(l -> l.startsWith("run paused: reward 'flaky' failed on 32 of 32")),
                console.toString());
        assertTrue(lookup("#problems").query().isVisible(), "the problems list is brought forward");
        assertFalse(lookup("#resume").queryAs(Button.class).isDisabled(), "Resume is offered");
        assertFalse(lookup("#stop").queryAs(Button.class).isDisabled(), "Stop is offered");
        assertTrue(lookup("#pause").queryAs(Button.class).isDisabled());
        assertTrue(lookup("#run").queryAs(Button.class).isDisabled());
        assertEquals("step 0/2  paused", lookup("#statusStep").queryAs(Label.class).getText());
        WindowTests.screenshot(workbench.root(), "run-paused-by-a-reward.png");

        // the verifier is back: Resume retries step 1 and the run trains to its end, scored by the plugin
        System.clearProperty(DOWN);
        clickOn("#resume");
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED
                || session.stateProperty().get() == RunSession.State.FAILED, "the run ends");
        assertEquals(RunSession.State.FINISHED, session.stateProperty().get(), session.messageProperty().get());
        assertEquals(2, session.stepProperty().get());
        assertEquals(1, workbench.problems().getItems().size(), "no new problem after the resume");
    }
}
