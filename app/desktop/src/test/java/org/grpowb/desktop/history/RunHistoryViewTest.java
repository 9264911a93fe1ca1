package org.grpowb.desktop.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.history.RunComparisonModel.DiffRow;
import org.grpowb.desktop.history.RunHistoryView.RunRow;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

class RunHistoryViewTest extends ApplicationTest {

    @TempDir
    Path dir;

    private long grpo;
    private long drGrpo;
    private RunHistoryView view;

    /** Two runs that differ in variant and β but not in step budget: grpo for 3 steps, dr_grpo for 4. */
    private Path store() {
        Path file = dir.resolve("runs.sqlite");
        try (RunStore store = RunStore.open(file)) {
            grpo = store.createRun("arith", "grpo", 1,
                    "{\"variant\":{\"name\":\"grpo\",\"settings\":{\"beta\":0.04}},\"training\":{\"steps\":3}}");
            drGrpo = store.createRun("arith", "dr_grpo", 1,
                    "{\"variant\":{\"name\":\"dr_grpo\",\"settings\":{\"beta\":0}},\"training\":{\"steps\":3}}");
            for (int s = 1; s <= 3; s++) {
                store.appendStep(new StepRecord(grpo, step(s, 0.1 * s, 0.05), List.of()));
            }
            for (int s = 1; s <= 4; s++) {
                store.appendStep(new StepRecord(drGrpo, step(s, 0.2 * s, 0.01), List.of()));
            }
            store.recordEval(grpo, new EvalRecord(0, 0.25, 40));
            store.recordEval(grpo, new EvalRecord(3, 0.5, 40));
            store.recordEval(drGrpo, new EvalRecord(0, 0.25, 40));
            store.recordEval(drGrpo, new EvalRecord(4, 0.625, 40));
            store.setStatus(grpo, "done");
        }
        return file;
    }

    private static StepMetrics step(int step, double reward, double flipRate) {
        return new StepMetrics(step, reward, 0.1, 0.5, 0.01 * step, 0.001, 1.5, 0.02, 0.25, 900, 40, 0, false, 100,
                Map.of("flip_rate", flipRate));
    }

    @Override
    public void start(Stage stage) {
        view = new RunHistoryView(store());
        stage.setScene(new Scene(view, 1000, 700));
        stage.show();
        view.reload();
    }

    private void awaitLoaded() throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !view.loadingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void selectingTwoRunsOverlaysTheirCurvesAndListsWhatDiffers() throws Exception {
        awaitLoaded();
        TableView<RunRow> runs = lookup("#runsTable").queryTableView();
        assertEquals(2, runs.getItems().size());
        assertEquals(drGrpo, runs.getItems().get(0).info().id(), "newest first");
        assertEquals(0.625, runs.getItems().get(0).finalEvalAccuracy());
        assertEquals(0.5, runs.getItems().get(1).finalEvalAccuracy());

        interact(() -> view.select(grpo, drGrpo));
        awaitLoaded();
        assertEquals(List.of(drGrpo, grpo), view.selectedRunIds());

        XYDataset data = ((ChartViewer) lookup("#compareChart").query()).getChart().getXYPlot().getDataset();
        assertEquals(2, data.getSeriesCount());
        assertEquals("run " + drGrpo + " · dr_grpo", data.getSeriesKey(0));
        assertEquals(4, data.getItemCount(0));
        assertEquals(3, data.getItemCount(1));
        assertEquals(0.8, data.getYValue(0, 3), 1e-12, "reward_mean of dr_grpo at step 4");

        TableView<DiffRow> diff = lookup("#diffTable").queryTableView();
        Map<String, List<String>> rows = new java.util.HashMap<>();
        diff.getItems().forEach(r -> rows.put(r.key(), r.values()));
        assertEquals(List.of("dr_grpo", "grpo"), rows.get("variant.name"));
        assertEquals(List.of("0", "0.04"), rows.get("variant.settings.beta"));
        assertFalse(rows.containsKey("training.steps"), "equal settings are not listed");
        assertEquals(List.of("0.625", "0.500"), rows.get("eval accuracy (after)"));
        assertEquals(List.of("0.010", "0.050"), rows.get("mean flip rate"));
        assertEquals(3, diff.getColumns().size(), "setting + one column per run");
    }

    @Test
    void choosingAnotherMetricRedrawsFromTheLoadedRuns() throws Exception {
        awaitLoaded();
        interact(() -> view.select(grpo, drGrpo));
        awaitLoaded();
        ComboBox<String> metric = lookup("#compareMetric").queryComboBox();
        interact(() -> metric.setValue("flip_rate"));
        XYDataset data = ((ChartViewer) lookup("#compareChart").query()).getChart().getXYPlot().getDataset();
        assertEquals(2, data.getSeriesCount());
        assertEquals(0.01, data.getYValue(0, 0), 1e-12);
        assertEquals(0.05, data.getYValue(1, 2), 1e-12);

        interact(() -> view.select());
        awaitLoaded();
        assertEquals(0, data.getSeriesCount());
        assertTrue(diff().getItems().isEmpty());
    }

    private TableView<DiffRow> diff() {
        return lookup("#diffTable").queryTableView();
    }
}
