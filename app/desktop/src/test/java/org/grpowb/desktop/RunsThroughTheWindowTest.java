package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.grpowb.desktop.dashboard.DashboardModel;
import org.grpowb.desktop.history.RunComparisonModel;
import org.grpowb.desktop.run.RunSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as a user makes and compares them in the window: two short runs that differ in one setting, both selected in
 * the run history to overlay their curves and list their differences; the newest checkpoint evaluated from the Run
 * menu; a finished run opened from the store on the dashboard and in the inspector; a stopped run continued from its
 * last checkpoint.
 */
class RunsThroughTheWindowTest extends WindowTest {

    @TempDir
    static Path dir;

    private Workbench workbench;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("arithmetic");
        copyTree(SAMPLE, project);
        workbench = new Workbench(project, Map.of("training.steps", 6, "training.prompts_per_step", 4,
                "training.eval_every", 3, "training.checkpoint_every", 3, "training.eval_examples", 40), prefs);
        show(stage, workbench, 1400, 900);
    }

    @Test
    void compareTwoRunsEvaluateOneOpenOneAndContinueAStoppedOne() {
        settle(workbench);
        RunSession session = workbench.session();
        runToTheEnd();
        clickOn("#tab-configuration");
        interact(() -> workbench.config().model().entry("training.learning_rate").textProperty().set("0.0003"));
        runToTheEnd();

        // both runs in the history; select them as a user does (click, then Ctrl+click)
        clickOn("#tab-runs");
        TableView<?> runs = lookup("#runsTable").queryAs(TableView.class);
        waitUntil(() -> runs.getItems().size() == 2 && !workbench.history().loadingProperty().get(), "two runs listed");
        List<Node> rows = lookup("#runsTable .table-row-cell").queryAll().stream()
                .map(n -> (javafx.scene.control.TableRow<?>) n).filter(r -> r.getItem() != null)
                .sorted(java.util.Comparator.comparingInt(javafx.scene.control.TableRow::getIndex))
                .map(r -> (Node) r).toList();
        clickOn(rows.get(0));
        press(KeyCode.CONTROL).clickOn(rows.get(1)).release(KeyCode.CONTROL);
        waitUntil(() -> workbench.history().comparedRuns().size() == 2
                && !workbench.history().loadingProperty().get(), "both runs compared");
        var compared = workbench.history().comparedRuns();
        assertEquals(6, compared.get(0).metrics().size());
        assertEquals(6, compared.get(1).metrics().size());
        var chart = lookup("#compareChart").queryAs(org.jfree.chart.fx.ChartViewer.class).getChart();
        assertEquals(2, chart.getXYPlot().getDataset().getSeriesCount(), "two curves overlaid");
        TableView<?> diff = lookup("#diffTable").queryAs(TableView.class);
        List<String> keys = diff.getItems().stream().map(r -> ((RunComparisonModel.DiffRow) r).key()).toList();
        assertTrue(keys.contains("training.learning_rate"), "the differing setting is listed: " + keys);
        var lr = diff.getItems().stream().map(r -> (RunComparisonModel.DiffRow) r)
                .filter(r -> r.key().equals("training.learning_rate")).findFirst().orElseThrow();
        assertTrue(lr.values().stream().anyMatch(v -> v.equals("3.0E-4") || v.equals("0.0003")), lr.values().toString());
        WindowTests.screenshot(workbench.root(), "run-comparison.png");

        // evaluate the first selected run's newest checkpoint from the Run menu (Ctrl+E)
        push(KeyCode.CONTROL, KeyCode.E);
        waitUntil(() -> workbench.notifier().showing().contains("eval accuracy"), "the evaluation reports");
        long first = workbench.history().selectedRunIds().get(0);
        assertTrue(workbench.notifier().showing().startsWith("run " + first + " at step 6: eval accuracy"),
                workbench.notifier().showing());
        assertEquals(1, lookup("#console").queryListView().getItems().stream()
                .filter(l -> String.valueOf(l).contains("eval accuracy")).count(), "evaluated once");

        // a double-click opens the other run from the store: its curves on the dashboard, its last step in the inspector
        long other = workbench.history().selectedRunIds().get(1);
        doubleClickOn(rows.get(1));
        waitUntil(() -> workbench.views().storedRunId() == other && workbench.work().runningProperty().get() == 0,
                "the other run opens");
        DashboardModel dashboard = workbench.views().dashboard().model();
        assertEquals(6, dashboard.size(DashboardModel.REWARD_MEAN));
        assertEquals(6, workbench.views().inspector().model().getStep().step());

        // search every step of that run for a completion; choosing a hit opens its step, group and rollout
        clickOn("#tab-inspector");
        clickOn("#runSearch").write("1").push(KeyCode.ENTER);
        var hits = workbench.views().runSearch().hits();
        waitUntil(() -> !hits.getItems().isEmpty() && workbench.work().runningProperty().get() == 0, "the run has hits");
        assertTrue(hits.getItems().stream().allMatch(h -> h.completion().contains("1")), "every hit contains the text");
        var hit = hits.getItems().get(0);
        assertEquals(1, hit.step(), "hits come in step order and the first step's completions contain a 1");
        clickOn(lookup("#runSearchHits .list-cell").nth(0).queryAs(Node.class));
        waitUntil(() -> workbench.views().inspector().model().getStep().step() == hit.step(), "the hit's step opens");
        assertEquals(hit.groupIndex(), workbench.views().inspector().model().getGroupIndex());
        WindowTests.screenshot(workbench.root(), "run-search.png");

        // a run stopped early continues from its last checkpoint
        clickOn("#tab-configuration");
        interact(() -> workbench.config().model().entry("training.steps").textProperty().set("400"));
        WindowTests.startRun(workbench, () -> clickOn("#run"));
        waitUntil(() -> session.stepProperty().get() >= 4, "a long run gets past its first checkpoint");
        clickOn("#stop");
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED, "stopped");
        int stoppedAt = session.stepProperty().get();
        clickOn("#tab-runs");
        waitUntil(() -> runs.getItems().size() == 3 && !workbench.history().loadingProperty().get(), "three runs");
        interact(() -> workbench.history().select(3));
        clickOn("Run").clickOn("#continueRun");
        waitUntil(() -> session.stateProperty().get() == RunSession.State.RUNNING && session.runId() == 3,
                "run 3 continues");
        waitUntil(() -> session.stepProperty().get() > stoppedAt, "past where it stopped");
        clickOn("#stop");
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED, "stopped again");
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
    }

    private void runToTheEnd() {
        RunSession session = workbench.session();
        WindowTests.startRun(workbench, () -> clickOn("#run"));
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED
                || session.stateProperty().get() == RunSession.State.FAILED, "the run ends");
        assertEquals(RunSession.State.FINISHED, session.stateProperty().get(), session.messageProperty().get());
        assertEquals(6, session.stepProperty().get());
    }
}
