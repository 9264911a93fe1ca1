package org.grpowb.desktop;

import java.nio.file.Path;
import java.util.Map;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.slf4j.LoggerFactory;

/**
 * Starts the workbench window on a project (the bundled sample project by default). {@code --dark} picks the dark
 * theme for this start; View → Dark Theme picks it for good.
 */
public final class WorkbenchApp extends Application {

    @Override
    public void start(Stage stage) {
        var args = getParameters().getRaw();
        Path project = args.stream().filter(a -> !a.startsWith("--")).findFirst().map(Path::of)
                .orElse(Path.of(System.getProperty("grpowb.home", "."), "sample-projects", "arithmetic"));
        Workbench workbench = new Workbench(project, Map.of());
        // a bug anywhere in the window ends up in the problems list and the log, not as a stack trace on the console
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            LoggerFactory.getLogger(WorkbenchApp.class).error("uncaught on thread {}", thread.getName(), failure);
            Platform.runLater(() -> workbench.reportUnexpected(thread.getName(), failure));
        });
        Scene scene = new Scene(workbench.root(), 1400, 900);
        if (args.contains("--dark")) {
            Themes.apply(scene, Themes.DARK);
        }
        stage.titleProperty().bind(workbench.titleProperty());
        // closing during a run stops it cleanly first, so the store ends it as stopped (resumable), not mid-write;
        // a close from code (stage.close) does not come back here
        stage.setOnCloseRequest(e -> {
            e.consume();
            workbench.requestClose(stage::close);
        });
        stage.setScene(scene);
        stage.show();
    }
}
