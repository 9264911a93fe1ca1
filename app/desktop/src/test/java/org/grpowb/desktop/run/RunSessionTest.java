package org.grpowb.desktop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.scene.Scene;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

/**
 * One session, runs one after another, as the window starts them: each run's end is announced exactly once, so the
 * end of one run can never stop the event pump of the next (a second, late announcement once did).
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
        Path project = dir.resolve("arithmetic");
        try (Stream<Path> files = Files.walk(Path.of("../../sample-projects/arithmetic"))) {
            Path from = Path.of("../../sample-projects/arithmetic");
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
}
