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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.run.RunSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed app opening its bundled sample, as on first start: the window opens the user's copy in the projects
 * folder, a run trains into that copy's store, and the installation is left exactly as it was.
 */
class InstalledSampleWindowTest extends WindowTest {

    @TempDir
    static Path dir;

    private Workbench workbench;
    private Path app;
    private List<Path> installed;

    @Override
    public void start(Stage stage) throws IOException {
        app = dir.resolve("opt-" + System.nanoTime() + "/grpowb/lib/app");
        Path sample = app.resolve("sample-projects/arithmetic");
        copyTree(SAMPLE, sample);
        installed = listing(app);
        System.setProperty("grpowb.home", app.toString());
        System.setProperty("grpowb.installed", "true");
        System.setProperty("grpowb.projects.dir", dir.resolve("GrpoWorkbenchProjects").toString());
        workbench = new Workbench(sample, Map.of("training.steps", 1, "training.prompts_per_step", 2,
                "training.eval_every", 0), prefs, new PluginTrust(dir.resolve("trusted")));
        show(stage, workbench, 1400, 900);
    }

    @AfterEach
    void forgetTheInstallation() {
        Stream.of("grpowb.home", "grpowb.installed", "grpowb.projects.dir").forEach(System::clearProperty);
    }

    @Test
    void theBundledSampleOpensAsTheUsersCopyAndTrainsThere() throws Exception {
        Path copy = dir.resolve("GrpoWorkbenchProjects/arithmetic");
        waitUntil(() -> copy.resolve("runs/runs.db").equals(workbench.storeFile()), "the window opens the user's copy");
        settle(workbench);
        assertTrue(workbench.problems().getItems().isEmpty(), workbench.problems().getItems().toString());
        assertEquals(Files.readString(SAMPLE.resolve("project.yaml")), Files.readString(copy.resolve("project.yaml")));

        WindowTests.startRun(workbench, () -> clickOn("#run"));
        RunSession session = workbench.session();
        waitUntil(() -> session.stateProperty().get() == RunSession.State.FINISHED
                || session.stateProperty().get() == RunSession.State.FAILED, "the run ends");
        assertEquals(RunSession.State.FINISHED, session.stateProperty().get(), session.messageProperty().get());
        try (RunStore store = RunStore.open(copy.resolve("runs/runs.db"))) {
            assertEquals(1, store.runs().size());
        }
        assertEquals(installed, listing(app), "nothing was written inside the installation");
    }

    private static List<Path> listing(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }
}
