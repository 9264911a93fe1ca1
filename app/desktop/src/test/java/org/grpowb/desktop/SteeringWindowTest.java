package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.grpowb.desktop.WindowTests.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.dashboard.DashboardModel;
import org.grpowb.desktop.run.RunSession;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steering a run from the window while it trains, as a user does: a problem's hint edited and applied, a curriculum
 * stage changed and applied; the run applies both at step boundaries, the edit log lists them and every dashboard
 * chart marks them. A real run of the arithmetic sample's tiny model, given Scaf-GRPO hints and a two-stage
 * curriculum.
 */
class SteeringWindowTest extends WindowTest {

    @TempDir
    static Path dir;

    private Workbench workbench;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("arithmetic");
        copyTree(SAMPLE, project);
        Files.writeString(project.resolve("project.yaml"), """

                hints:
                  policy: scaf_grpo
                  settings: {warmup_steps: 0, escalate_after: 1}
                curriculum:
                  sampler: uniform
                  stages:
                    - {name: easy, filter: {difficulty: [easy]}, advance: {after_steps: 1000}}
                    - {name: all}
                """, StandardOpenOption.APPEND);
        workbench = new Workbench(project, Map.of("training.prompts_per_step", 4, "training.eval_every", 5000,
                "training.checkpoint_every", 5000), prefs);
        WindowTests.hideOtherWindows(stage);
        show(stage, workbench, 1500, 950);
    }

    /** Lookups within this test's window only. */
    private org.testfx.service.query.NodeQuery here() {
        return from(workbench.root());
    }

    @Test
    void aHintAndACurriculumStageAppliedToARunningRun() throws Exception {
        settle(workbench);
        RunSession session = workbench.session();
        WindowTests.startRun(workbench, () -> clickOn(here().lookup("#run").queryAs(javafx.scene.Node.class)));
        waitUntil(() -> session.stepProperty().get() >= 1, "the run trains");
        WindowTests.selectTab(this, workbench, "tab-steering");
        try {
            waitUntil(() -> here().lookup("#problemFilter").match(org.testfx.util.NodeQueryUtils.isVisible())
                    .tryQuery().isPresent(), "the Steering tab is shown");
        } catch (AssertionError e) {
            javafx.scene.Node f = here().lookup("#problemFilter").queryAs(javafx.scene.Node.class);
            StringBuilder chain = new StringBuilder();
            for (javafx.scene.Node n = f; n != null; n = n.getParent()) {
                chain.append(n.getClass().getSimpleName()).append('#').append(n.getId()).append(n.isVisible() ? "" : "(hidden)")
                        .append(" < ");
            }
            throw new AssertionError(e.getMessage() + "; window showing: "
                    + (f.getScene() == null ? "no scene" : f.getScene().getWindow().isShowing()) + "; chain: " + chain, e);
        }
        var model = workbench.steering().model();
        waitUntil(() -> model.liveProperty().get()
                && here().lookup("#problems").queryTableView().getItems().size() > 100, "the panel is live");

        // one problem's hint: filter the list, choose it, add a tier, read the preview, apply
        clickOn(here().lookup("#problemFilter").queryAs(javafx.scene.Node.class)).write("train-7");
        TableView<?> problems = here().lookup("#problems").queryTableView();
        waitUntil(() -> !problems.getItems().isEmpty()
                && ((org.grpowb.api.Example) problems.getItems().get(0)).id().equals("train-7"), "the list filtered");
        WindowTests.screenshot(workbench.root(), "steering-filtered.png");
        clickOn(here().lookup("#problems .table-row-cell").match(n -> ((javafx.scene.control.TableRow<?>) n).getIndex() == 0)
                .queryAs(javafx.scene.Node.class));
        waitUntil(() -> here().lookup("#problemPrompt").queryLabeled().getText().startsWith("train-7:"), "train-7 chosen");
        clickOn(here().lookup("#addTier").queryAs(javafx.scene.Node.class)).write("Mind the carry.");
        TextArea preview = here().lookup("#hintPreview").queryAs(TextArea.class);
        waitUntil(() -> preview.getText().startsWith("Hint: Mind the carry.\n"), "the preview shows the hint");
        clickOn(here().lookup("#applyHints").queryAs(javafx.scene.Node.class));
        waitUntil(() -> applied(model.edits()) == 1, "the hint edit is applied");

        // the first stage's completion cap, then the whole curriculum applied
        doubleClickOn("#stage-0-maxNewTokens").push(KeyCode.CONTROL, KeyCode.A).write("5");
        clickOn(here().lookup("#applyCurriculum").queryAs(javafx.scene.Node.class));
        waitUntil(() -> applied(model.edits()) == 2, "the curriculum edit is applied");
        assertEquals("● training here · stage 1", here().lookup("#stage-0 .label").queryLabeled().getText());

        // the store has both, applied at step boundaries after the first step, versions 1 and 2
        long runId = session.runId();
        List<EditRecord> stored;
        try (RunStore store = RunStore.open(workbench.storeFile())) {
            stored = store.edits(runId);
        }
        assertEquals(2, stored.size(), stored.toString());
        assertEquals(List.of("hints", "curriculum"), stored.stream().map(EditRecord::kind).toList());
        for (int i = 0; i < 2; i++) {
            EditRecord e = stored.get(i);
            assertEquals(EditRecord.APPLIED, e.status(), e.toString());
            assertEquals(i + 1, e.version());
            assertTrue(e.step() > 0, e.toString());
            assertEquals("window", e.source());
        }
        assertTrue(stored.get(0).payloadJson().contains("Mind the carry."));
        assertTrue(stored.get(1).payloadJson().contains("\"max_new_tokens\":5"), stored.get(1).payloadJson());

        // the edit log shows them; every chart marks them at their steps
        TableView<?> log = here().lookup("#editLog").queryTableView();
        waitUntil(() -> log.getItems().size() == 2 && log.getItems().stream()
                .allMatch(e -> ((EditRecord) e).status().equals(EditRecord.APPLIED)), "the log shows both applied");
        var dashboard = workbench.views().dashboard();
        waitUntil(() -> dashboard.edits().size() == 2, "the dashboard marks both");
        for (String metric : DashboardModel.CHARTED) {
            var markers = dashboard.viewer(metric).getChart().getXYPlot().getDomainMarkers(Layer.FOREGROUND);
            assertEquals(2, markers.size(), metric);
        }
        assertEquals(stored.get(1).step(), dashboard.edits().get(1).step());
        WindowTests.screenshot(workbench.root(), "steering.png");

        clickOn(here().lookup("#stop").queryAs(javafx.scene.Node.class));
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED, "stopped");
        waitUntil(() -> !model.liveProperty().get(), "the panel is read-only");
        assertTrue(here().lookup("#applyHints").queryButton().isDisabled());
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
    }

    private static long applied(List<EditRecord> edits) {
        return edits.stream().filter(e -> EditRecord.APPLIED.equals(e.status())).count();
    }
}
