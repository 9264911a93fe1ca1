package org.grpowb.desktop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.animation.AnimationTimer;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.desktop.Workbench;
import org.grpowb.desktop.projects.SampleProjects;
import org.grpowb.desktop.run.RunSession;

/**
 * Scenario (c): the real window while it trains. A copy of the sample project is opened in a {@link Workbench}, Run
 * is pressed, and once steps arrive the frames of {@code seconds} seconds are timed: the dashboard and inspector fed
 * by the live event stream, with training competing for the same cores. Then the run is stopped.
 */
final class LiveRun {

    private final int seconds;

    LiveRun(int seconds) {
        this.seconds = seconds;
    }

    CompletableFuture<List<FrameRow>> run(Stage stage, double width, double height, PulseLog log) {
        Path samples = SampleProjects.locate().orElseThrow(() ->
                new IllegalStateException("no sample-projects/ found (set -Dgrpowb.home or -Dgrpowb.samples)"));
        Path project;
        Path work;
        try {
            work = Files.createTempDirectory("grpowb-bench-live");
            project = SampleProjects.create(samples.resolve("arithmetic"), work, "arithmetic");
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        Preferences prefs = Preferences.userRoot().node("grpowb-bench/" + UUID.randomUUID());
        Workbench workbench = new Workbench(project, Map.of(), prefs, new PluginTrust(work.resolve("trust")));
        Scene scene = new Scene(workbench.root(), width, height);
        stage.setScene(scene);
        RunSession session = workbench.session();
        CompletableFuture<Void> training = new CompletableFuture<>();
        // wait (a pulse at a time) for the project to open, press Run, and start timing once steps arrive
        new AnimationTimer() {
            private boolean pressed;

            @Override
            public void handle(long now) {
                if (!pressed && !workbench.busyProperty().get()) {
                    ((Button) scene.lookup("#run")).fire();
                    pressed = true;
                } else if (pressed && session.stepProperty().get() >= 3) {
                    stop();
                    training.complete(null);
                }
            }
        }.start();
        long[] firstStep = {0};
        int[] stepAtStart = {0};
        return training.thenCompose(v -> {
            stepAtStart[0] = session.stepProperty().get();
            return FrameProbe.run(scene, i -> {
                long now = System.nanoTime();
                if (i == 0) {
                    firstStep[0] = now;
                }
                return now - firstStep[0] < seconds * 1_000_000_000L;
            });
        }).thenApply(frames -> {
            int steps = session.stepProperty().get() - stepAtStart[0];
            session.stop();
            // the window may still write its layout while the benchmark exits: drop the scratch node after that
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    prefs.removeNode();
                } catch (BackingStoreException | IllegalStateException e) {
                    // a scratch node left behind is harmless
                }
            }));
            return List.of(FrameRow.of(String.format(Locale.ROOT,
                    "window during a live run of the sample project: %d s, %d steps trained (%.1f per s)", seconds,
                    steps, steps / (double) seconds), frames, log));
        });
    }
}
