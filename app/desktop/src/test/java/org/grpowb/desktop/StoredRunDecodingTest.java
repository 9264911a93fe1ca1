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
import javafx.stage.Stage;
import org.grpowb.api.Verdict;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.inspector.InspectorModel;
import org.grpowb.desktop.shell.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open project trains tiny-gpt (one token per character); its store also holds a run of the spelled model (one
 * word per token), from a project plugin jar, and a run of a model no plugin provides any more. Opened in the window,
 * the spelled run's tokens read as its words, also when a run-wide search hit opens a step; the other run falls back
 * to the open project's tokenizer and the problems list says so.
 */
class StoredRunDecodingTest extends WindowTest {

    @TempDir
    static Path dir;

    private Workbench workbench;
    private long spelledRun;
    private long retiredRun;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("decoding");
        copyTree(SAMPLE, project);
        PluginTrust trust = new PluginTrust(dir.resolve("trusted-plugins"));
        trust.trust(PluginFile.of(SpelledModel.pluginJar(project.resolve("plugins/spelled.jar"))));
        try (RunStore store = RunStore.open(project.resolve("runs/runs.db"))) {
            spelledRun = store.createRun("arithmetic", "grpo", 1,
                    "{\"model\":{\"name\":\"spelled\",\"init\":null,\"settings\":{\"case\":\"upper\"}}}");
            store.appendStep(step(spelledRun, 1, new int[] {35, 36}, " W35 W36"));
            store.appendStep(step(spelledRun, 2, new int[] {37, 38}, " W37 W38"));
            store.setStatus(spelledRun, "done");
            retiredRun = store.createRun("arithmetic", "grpo", 1,
                    "{\"model\":{\"name\":\"retired\",\"init\":null,\"settings\":{}}}");
            store.appendStep(step(retiredRun, 1, new int[] {35, 36}, "AB"));
            store.setStatus(retiredRun, "stopped");
        }
        workbench = show(stage, new Workbench(project, Map.of(), prefs, trust), 1200, 800);
    }

    @Test
    void aStoredRunIsDecodedWithTheModelItWasTrainedWith() {
        settle(workbench);
        InspectorModel inspector = workbench.views().inspector().model();
        assertEquals("A", inspector.tokenTextProperty().get().apply(35), "the open project's tiny-gpt reads id 35 as 'A'");

        open(spelledRun, 2);
        assertEquals(" W37", inspector.tokenText(0, 0));
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());

        RunSearchPane search = workbench.views().runSearch();
        interact(() -> {
            search.query().setText("W36");
            search.search();
        });
        waitUntil(() -> search.hits().getItems().size() == 1, "the run-wide search finds step 1");
        interact(() -> search.hits().getSelectionModel().select(0));
        waitUntil(() -> inspector.getStep().metrics().step() == 1, "the hit's step opens");
        assertEquals(" W36", inspector.tokenText(0, 1));

        open(retiredRun, 1);
        assertEquals("A", inspector.tokenText(0, 0), "the open project's tokenizer stands in");
        List<String> problems = workbench.problems().getItems().stream().map(Problem::message).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("run " + retiredRun
                + " cannot be decoded with its own tokenizer (unknown model 'retired';")), problems.toString());

        open(spelledRun, 2);
        assertEquals(" W37", inspector.tokenText(0, 0), "back to the run's own words");
    }

    private void open(long runId, int lastStep) {
        InspectorModel inspector = workbench.views().inspector().model();
        interact(() -> workbench.showRun(runId));
        waitUntil(() -> inspector.getStep() != null && inspector.getStep().runId() == runId
                && inspector.getStep().metrics().step() == lastStep, "run " + runId + " opens in the inspector");
        settle(workbench);
    }

    private static StepRecord step(long runId, int step, int[] ids, String completion) {
        float[] zeros = new float[ids.length];
        RolloutRecord r = new RolloutRecord(0, completion, 1, Map.of(), false, Verdict.CORRECT, 0.5, true, false,
                new TokenTrace(ids, zeros, zeros, zeros), false);
        StepMetrics m = new StepMetrics(step, 1, 0, 1, 0.1, 0, 0.5, 0, 0, 100, ids.length, 0, false, 10, Map.of());
        return new StepRecord(runId, m, List.of(new GroupRecord(0, "p0", "1+1=", "2", 0.5, List.of(r))));
    }
}
