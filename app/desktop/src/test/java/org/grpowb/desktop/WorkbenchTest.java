package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javafx.scene.control.ListView;
import javafx.scene.control.TreeView;
import javafx.stage.Stage;
import org.grpowb.desktop.dashboard.DashboardModel;
import org.grpowb.desktop.run.RunSession;
import org.grpowb.desktop.shell.FileEditor;
import org.grpowb.desktop.shell.Problem;
import org.grpowb.desktop.shell.ProblemsView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window as a user drives it: open the sample project (copied, with a short budget), press Run, watch the
 * dashboard's series grow, pause and resume, read a token's values in the inspector, stop, find the run in the
 * history, and have Run refuse an invalid setting.
 */
class WorkbenchTest extends WindowTest {

    @TempDir
    static Path dir;

    private Workbench workbench;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("arithmetic");
        if (!Files.exists(project)) {
            copyTree(SAMPLE, project);
        }
        workbench = new Workbench(project, Map.of("training.steps", 2000, "training.prompts_per_step", 8,
                "training.eval_every", 20, "training.checkpoint_every", 10, "training.eval_examples", 50), prefs);
        show(stage, workbench, 1400, 900);
    }

    @Test
    void runPauseResumeAndInspectATokenLive() {
        settle(workbench);
        TreeView<?> explorer = lookup("#explorer").queryAs(TreeView.class);
        assertEquals("arithmetic", String.valueOf(explorer.getRoot().getValue()));
        RunSession session = workbench.session();
        DashboardModel dashboard = workbench.views().dashboard().model();

        clickOn("#run");
        waitUntil(() -> dashboard.size(DashboardModel.REWARD_MEAN) >= 3, "the reward series grows");
        int seen = dashboard.size(DashboardModel.REWARD_MEAN);
        waitUntil(() -> dashboard.size(DashboardModel.REWARD_MEAN) > seen, "and keeps growing");

        waitUntil(() -> dashboard.size(DashboardModel.REWARD_MEAN) >= 15, "a live dashboard worth a look");
        screenshot("main-window-live-run.png");

        clickOn("#pause");
        assertEquals(RunSession.State.PAUSED, session.stateProperty().get());
        sleep(400);
        int pausedAt = session.stepProperty().get();
        sleep(600);
        assertTrue(session.stepProperty().get() <= pausedAt + 1, "paused: at most the step in flight completes");
        // while paused, look at a group whose rollouts disagree (non-zero advantages) and hover its best rollout
        assertNull(workbench.views().inspector().model().getStep(), "the hidden inspector lays out no step");
        clickOn("#tab-inspector");
        waitUntil(() -> workbench.views().inspector().model().getStep() != null, "the inspector shows a step");
        assertEquals(session.stepProperty().get(), workbench.views().inspector().model().getStep().step(),
                "shown, it catches up with the newest step");
        var model = workbench.views().inspector().model();
        int[] pick = informative(model.getStep());
        interact(() -> model.setGroupIndex(pick[0]));
        var bounds = workbench.views().inspector().tokenBounds(pick[1], 0);
        assertNotNull(bounds, "the chosen rollout's first token is drawn");
        moveTo(new javafx.geometry.Point2D(bounds.getCenterX(), bounds.getCenterY()));
        WaitForAsyncUtils.waitForFxEvents();
        String details = workbench.views().inspector().tokenDetailsAt(pick[1], 0);
        assertTrue(details.contains("advantage") && details.contains("THR"), details);
        screenshot("token-inspector.png");

        clickOn("#resume");
        waitUntil(() -> session.stepProperty().get() > pausedAt + 1, "resumed");

        clickOn("#stop");
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED, "the run stops");
        assertTrue(session.messageProperty().get().startsWith("stopped at step"), session.messageProperty().get());
        assertTrue(session.stepProperty().get() < 2000);
        ProblemsView problems = workbench.problems();
        assertTrue(problems.getItems().isEmpty(), "no problems: " + problems.getItems());
        assertFalse(lookup("#console").queryAs(ListView.class).getItems().isEmpty());

        // the finished run is listed in the run history
        clickOn("#tab-runs");
        javafx.scene.control.TableView<?> runs = lookup("#runsTable").queryAs(javafx.scene.control.TableView.class);
        waitUntil(() -> runs.getItems().size() == 1 && !workbench.history().loadingProperty().get(), "the run is listed");

        // an invalid setting in the run configuration is flagged and Run refuses to start
        clickOn("#tab-configuration");
        interact(() -> workbench.config().model().entry("training.group_size").textProperty().set("1"));
        assertFalse(workbench.config().model().valid());
        clickOn("#run");
        assertTrue(problems.getItems().stream().anyMatch(p -> String.valueOf(p).contains("invalid setting")),
                "problems: " + problems.getItems());
        assertEquals(RunSession.State.FINISHED, session.stateProperty().get(), "nothing started");
    }

    private void screenshot(String name) {
        WindowTests.screenshot(workbench.root(), name);
    }

    @Test
    void aBrokenProjectsProblemOpensTheFileAtItsLineAndSavingTheFixClearsIt() throws IOException {
        settle(workbench);
        Path broken = dir.resolve("broken");
        copyTree(SAMPLE, broken);
        Files.writeString(broken.resolve("project.yaml"), Files.readString(broken.resolve("project.yaml"))
                .replace("name: grpo", "name: grpoo"));
        interact(() -> workbench.openFromUi(broken));
        settle(workbench);
        ProblemsView problems = workbench.problems();
        assertEquals(1, problems.getItems().size(), problems.getItems().toString());
        Problem problem = problems.getItems().get(0);
        assertTrue(problem.message().contains("project.yaml:") && problem.message().contains("field 'variant.name'")
                && problem.message().contains("known variants"), problem.message());
        assertTrue(problem.line() > 0 && problem.openable(), "located: " + problem);
        assertTrue(workbench.notifier().showing().contains("failed"), "notified: " + workbench.notifier().showing());
        clickOn("#run");
        assertEquals(RunSession.State.IDLE, workbench.session().stateProperty().get(), "a broken project does not run");

        // double-clicking the problem opens project.yaml with the caret on the offending line
        clickOn("#tab-problems");
        // on a loaded machine the robot's two clicks can land further apart than the platform's double-click
        // interval and count as two single clicks: then double-click again, as a user would
        for (int attempt = 0; attempt < 3 && lookup("#editorText").tryQuery().isEmpty(); attempt++) {
            doubleClickOn(lookup("#problems .list-cell").nth(0).queryAs(javafx.scene.Node.class));
            WindowTests.waitBriefly(() -> lookup("#editorText").tryQuery().isPresent(), 10);
        }
        waitUntil(() -> lookup("#editorText").tryQuery().isPresent(), "the file opens in an editor");
        FileEditor editor = (FileEditor) workbench.editors().getSelectionModel().getSelectedItem().getContent();
        assertEquals(broken.resolve("project.yaml").toAbsolutePath().normalize(), editor.file());
        assertEquals(problem.line(), editor.caretLine());
        javafx.scene.control.TextArea text = lookup("#editorText").queryAs(javafx.scene.control.TextArea.class);
        assertTrue(text.getSelectedText().contains("grpoo"), "the line is selected: " + text.getSelectedText());

        // fix it in the editor and save: the project is checked again and its problem goes away
        interact(() -> text.replaceSelection(text.getSelectedText().replace("grpoo", "grpo")));
        assertTrue(editor.modifiedProperty().get());
        clickOn("#editorSave");
        waitUntil(() -> !editor.modifiedProperty().get(), "saved");
        settle(workbench);
        assertTrue(problems.getItems().isEmpty(), problems.getItems().toString());
        assertTrue(Files.readString(broken.resolve("project.yaml")).contains("name: grpo\n"));
        assertEquals("", workbench.notifier().showing(), "the error's notification goes once the project opens");
        assertEquals("GRPO Workbench — arithmetic", workbench.titleProperty().get());

        javafx.scene.control.MenuBar bar = lookup(".menu-bar").queryAs(javafx.scene.control.MenuBar.class);
        javafx.scene.control.CheckMenuItem dark = (javafx.scene.control.CheckMenuItem) bar.getMenus().get(1).getItems().get(0);
        interact(() -> dark.setSelected(true));
        assertEquals("/atlantafx/base/theme/primer-dark.css", javafx.application.Application.getUserAgentStylesheet());
        assertTrue(prefs.getBoolean("theme.dark", false), "kept for the next start");
        interact(() -> workbench.notifier().info("Created project my-arithmetic from arithmetic"));
        sleep(500);
        screenshot("dark-theme.png");
        interact(() -> dark.setSelected(false));
        assertEquals("/atlantafx/base/theme/primer-light.css", javafx.application.Application.getUserAgentStylesheet());
    }

    /** The first group with a non-zero advantage, and its rollout with the largest advantage. */
    private static int[] informative(org.grpowb.core.run.StepRecord step) {
        for (int g = 0; g < step.groups().size(); g++) {
            var rs = step.groups().get(g).rollouts();
            int best = 0;
            for (int i = 1; i < rs.size(); i++) {
                if (rs.get(i).advantage() > rs.get(best).advantage()) {
                    best = i;
                }
            }
            if (rs.get(best).advantage() > 0) {
                return new int[]{g, best};
            }
        }
        return new int[]{0, 0};
    }
}
