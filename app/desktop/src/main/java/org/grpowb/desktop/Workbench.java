package org.grpowb.desktop;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.prefs.Preferences;
import javafx.geometry.Orientation;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectException;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.run.RunSession;

/**
 * The main window's content, in the IDE mould: a project explorer on the left, editors in tabs in the centre, the run
 * console and the problems list at the bottom, a toolbar with Run, Pause, Resume and Stop, and a status bar.
 * Splitter positions are kept in user preferences and restored on the next start.
 */
public final class Workbench {

    private final RunSession session = new RunSession();
    private final BorderPane root = new BorderPane();
    private final TreeView<String> explorer = new TreeView<>();
    private final ListView<String> console = new ListView<>();
    private final ListView<String> problems = new ListView<>();
    private final Label stepLabel = new Label("idle");
    private final Label throughput = new Label("");
    private final ProgressBar progress = new ProgressBar(0);
    private final LiveViews views;
    private final Map<String, Object> overrides;
    private final Preferences prefs = Preferences.userNodeForPackage(Workbench.class);
    private Path projectDir;
    private Project project;
    private org.grpowb.desktop.config.RunConfigView config;
    private final Tab configTab = tab("Configuration", new Label("no project"));
    private org.grpowb.desktop.history.RunHistoryView history;
    private final Tab historyTab;
    private org.grpowb.api.TokenCodec codec;

    /**
     * @param projectDir the project to open
     * @param overrides  settings applied on top of the project file for runs started here (e.g. a short test budget)
     */
    public Workbench(Path projectDir, Map<String, Object> overrides) {
        this.overrides = Map.copyOf(overrides);
        this.views = new LiveViews(session, id -> codecText(id));
        this.projectDir = projectDir;
        this.history = new org.grpowb.desktop.history.RunHistoryView(storeFile());
        this.historyTab = tab("Runs", history);
        root.setTop(new javafx.scene.layout.VBox(menus(), toolbar()));
        root.setCenter(body());
        root.setBottom(statusBar());
        root.getStyleClass().add("workbench");
        open(projectDir);
        views.storeFile(this::storeFile);
        session.onFrame(this::onFrame);
        session.stateProperty().addListener((o, was, now) -> {
            log("run " + now.name().toLowerCase(java.util.Locale.ROOT)
                    + (session.messageProperty().get().isEmpty() ? "" : ": " + session.messageProperty().get()));
            if (now == RunSession.State.FINISHED || now == RunSession.State.FAILED) {
                refreshExplorer();
                history.reload();
            }
            if (now == RunSession.State.FAILED) {
                problems.getItems().add("run failed: " + session.messageProperty().get());
            }
        });
    }

    public Parent root() {
        return root;
    }

    public RunSession session() {
        return session;
    }

    LiveViews views() {
        return views;
    }

    org.grpowb.desktop.config.RunConfigView config() {
        return config;
    }

    org.grpowb.desktop.history.RunHistoryView history() {
        return history;
    }

    /** Opens a project: its tree in the explorer, or its problems (file, line, field) in the problems list. */
    public void open(Path dir) {
        projectDir = dir;
        problems.getItems().clear();
        try {
            project = new ProjectLoader(PluginRegistry.discover()).load(dir, overrides);
            codec = null;
            config = new org.grpowb.desktop.config.RunConfigView(
                    new org.grpowb.desktop.config.RunConfigModel(project, PluginRegistry.discover()));
            configTab.setContent(config);
            log("opened " + project.file());
        } catch (ProjectException e) {
            project = null;
            problems.getItems().add(e.getMessage());
            log("cannot open " + dir + ": see Problems");
        } catch (RuntimeException e) {
            project = null;
            problems.getItems().add(String.valueOf(e.getMessage()));
        }
        refreshExplorer();
    }

    public Path storeFile() {
        return projectDir.toAbsolutePath().resolve("runs").resolve("runs.db");
    }

    private javafx.scene.control.MenuBar menus() {
        javafx.scene.control.MenuItem openItem = new javafx.scene.control.MenuItem("Open Project…");
        openItem.setId("openProject");
        openItem.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        openItem.setOnAction(e -> {
            javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
            chooser.setTitle("Open a GRPO Workbench project (a folder with project.yaml)");
            java.io.File dir = chooser.showDialog(root.getScene().getWindow());
            if (dir != null) {
                openFromUi(dir.toPath());
            }
        });
        javafx.scene.control.CheckMenuItem dark = new javafx.scene.control.CheckMenuItem("Dark Theme");
        dark.setId("darkTheme");
        dark.setSelected(prefs.getBoolean("theme.dark", false));
        dark.setAccelerator(new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        dark.selectedProperty().addListener((o, was, now) -> {
            prefs.putBoolean("theme.dark", now);
            applyTheme(now);
        });
        root.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                applyTheme(dark.isSelected());
            }
        });
        return new javafx.scene.control.MenuBar(new javafx.scene.control.Menu("File", null, openItem),
                new javafx.scene.control.Menu("View", null, dark));
    }

    private void applyTheme(boolean dark) {
        if (root.getScene() != null) {
            Themes.apply(root.getScene(), dark ? Themes.DARK : Themes.LIGHT);
        }
    }

    /** Opens another project in this window; refused while a run is in progress. */
    public void openFromUi(Path dir) {
        RunSession.State st = session.stateProperty().get();
        if (st == RunSession.State.RUNNING || st == RunSession.State.PAUSED || st == RunSession.State.STOPPING) {
            problems.getItems().add("stop the run before opening another project");
            return;
        }
        open(dir);
        views.clear();
        history = new org.grpowb.desktop.history.RunHistoryView(storeFile());
        historyTab.setContent(history);
    }

    private ToolBar toolbar() {
        Button run = button("Run", "run", this::run);
        Button pause = button("Pause", "pause", session::pause);
        Button resume = button("Resume", "resume", session::resume);
        Button stop = button("Stop", "stop", session::stop);
        run.disableProperty().bind(session.stateProperty().isEqualTo(RunSession.State.RUNNING)
                .or(session.stateProperty().isEqualTo(RunSession.State.PAUSED)));
        pause.disableProperty().bind(session.stateProperty().isNotEqualTo(RunSession.State.RUNNING));
        resume.disableProperty().bind(session.stateProperty().isNotEqualTo(RunSession.State.PAUSED));
        stop.disableProperty().bind(session.stateProperty().isNotEqualTo(RunSession.State.RUNNING)
                .and(session.stateProperty().isNotEqualTo(RunSession.State.PAUSED)));
        root.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), run::fire);
                scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F6), () -> {
                    if (!pause.isDisabled()) {
                        pause.fire();
                    } else if (!resume.isDisabled()) {
                        resume.fire();
                    }
                });
                scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), stop::fire);
            }
        });
        return new ToolBar(run, pause, resume, stop);
    }

    /** Runs the project with the configuration editor's changes, refusing while any setting is invalid. */
    private void run() {
        if (project == null) {
            problems.getItems().add("fix the project's problems before running");
            return;
        }
        Project toRun = project;
        if (config != null) {
            if (!config.model().valid()) {
                problems.getItems().add(config.model().invalidCount() + " invalid setting(s) in the run configuration");
                return;
            }
            Map<String, Object> all = new java.util.LinkedHashMap<>(overrides);
            all.putAll(config.model().overrides());
            try {
                toRun = new ProjectLoader(PluginRegistry.discover()).load(projectDir, all);
            } catch (RuntimeException e) {
                problems.getItems().add(String.valueOf(e.getMessage()));
                return;
            }
        }
        views.clear();
        session.start(toRun, storeFile());
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    private SplitPane body() {
        explorer.setId("explorer");
        TabPane editors = new TabPane(
                tab("Dashboard", views.dashboard()),
                tab("Inspector", views.inspector()),
                configTab,
                historyTab);
        editors.setId("editors");
        console.setId("console");
        problems.setId("problems");
        TabPane bottom = new TabPane(tab("Console", console), tab("Problems", problems));
        bottom.setId("bottomPanel");
        SplitPane centre = new SplitPane(editors, bottom);
        centre.setOrientation(Orientation.VERTICAL);
        SplitPane main = new SplitPane(explorer, centre);
        restoreDivider(main, "main", 0.2);
        restoreDivider(centre, "centre", 0.75);
        SplitPane.setResizableWithParent(explorer, false);
        return main;
    }

    private void restoreDivider(SplitPane pane, String key, double fallback) {
        pane.setDividerPositions(prefs.getDouble("divider." + key, fallback));
        pane.getDividers().get(0).positionProperty().addListener((o, was, now) ->
                prefs.putDouble("divider." + key, now.doubleValue()));
    }

    private static Tab tab(String title, javafx.scene.Node content) {
        Tab t = new Tab(title, content);
        t.setClosable(false);
        t.setId("tab-" + title.toLowerCase(java.util.Locale.ROOT));
        return t;
    }

    private HBox statusBar() {
        stepLabel.setId("statusStep");
        throughput.setId("statusThroughput");
        progress.setId("progress");
        stepLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                        session.stateProperty().get() == RunSession.State.IDLE ? "idle"
                                : "step " + session.stepProperty().get() + "/" + session.totalStepsProperty().get()
                                + "  " + session.stateProperty().get().name().toLowerCase(java.util.Locale.ROOT),
                session.stepProperty(), session.totalStepsProperty(), session.stateProperty()));
        throughput.textProperty().bind(session.tokensPerSProperty().asString("%,.0f tokens/s"));
        progress.progressProperty().bind(javafx.beans.binding.Bindings.createDoubleBinding(() ->
                        session.totalStepsProperty().get() == 0 ? 0.0
                                : session.stepProperty().get() / (double) session.totalStepsProperty().get(),
                session.stepProperty(), session.totalStepsProperty()));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(12, stepLabel, grow, throughput, progress);
        bar.getStyleClass().add("status-bar");
        bar.setStyle("-fx-padding: 3 8 3 8;");
        return bar;
    }

    private void onFrame(List<RunEvent> events) {
        List<StepMetrics> steps = new java.util.ArrayList<>();
        List<EvalRecord> evals = new java.util.ArrayList<>();
        StepRecord last = null;
        for (RunEvent e : events) {
            if (e instanceof RunEvent.StepCompleted sc) {
                steps.add(sc.step().metrics());
                views.remember(sc.step());
                last = sc.step();
            } else if (e instanceof RunEvent.EvalCompleted ev) {
                evals.add(ev.eval());
                log(String.format("eval at step %d: %.1f%%", ev.eval().step(), 100 * ev.eval().accuracy()));
            } else if (e instanceof RunEvent.Started st) {
                log("run " + st.runId() + " started at step " + st.firstStep() + " of " + st.totalSteps());
            } else if (e instanceof RunEvent.NonFiniteLoss nf) {
                problems.getItems().add("step " + nf.step() + ": non-finite loss, update skipped");
            }
        }
        views.accept(steps, evals, last);
    }

    /** Token text from the open project's model codec (ids are what the store keeps). */
    private String codecText(int id) {
        if (project == null) {
            return "#" + id;
        }
        if (codec == null) {
            codec = project.model().factory().codec(project.model().settings());
        }
        return codec.tokenText(id);
    }

    private void refreshExplorer() {
        TreeItem<String> rootItem = new TreeItem<>(project == null ? String.valueOf(projectDir) : project.name());
        rootItem.setExpanded(true);
        if (project != null) {
            rootItem.getChildren().add(new TreeItem<>("data: " + project.data().train().size() + " train, "
                    + project.data().eval().size() + " eval"));
            rootItem.getChildren().add(new TreeItem<>("model: " + project.model().factory().name()));
            rootItem.getChildren().add(new TreeItem<>("variant: " + project.variant().variant().name()));
            TreeItem<String> rewards = new TreeItem<>("rewards");
            project.rewards().forEach(r -> rewards.getChildren().add(
                    new TreeItem<>(r.function().name() + " × " + r.weight())));
            rewards.setExpanded(true);
            rootItem.getChildren().add(rewards);
            TreeItem<String> runs = new TreeItem<>("runs");
            runs.setExpanded(true);
            loadRuns(runs);
            rootItem.getChildren().add(runs);
        }
        explorer.setRoot(rootItem);
    }

    /** Lists the store's runs under {@code runs}, reading the store on a background thread. */
    private void loadRuns(TreeItem<String> runs) {
        Path file = storeFile();
        if (!java.nio.file.Files.exists(file)) {
            return;
        }
        javafx.concurrent.Task<List<RunInfo>> read = new javafx.concurrent.Task<>() {
            @Override
            protected List<RunInfo> call() {
                try (RunStore store = RunStore.open(file)) {
                    return store.runs();
                }
            }
        };
        read.setOnSucceeded(e -> read.getValue().forEach(r -> runs.getChildren().add(new TreeItem<>(
                "run " + r.id() + " · " + r.variant() + " · " + r.status() + " · " + r.lastStep() + " steps"))));
        read.setOnFailed(e -> problems.getItems().add("cannot read " + file + ": " + read.getException().getMessage()));
        Thread t = new Thread(read, "read-runs");
        t.setDaemon(true);
        t.start();
    }

    private void log(String line) {
        console.getItems().add(line);
        console.scrollTo(console.getItems().size() - 1);
    }
}
