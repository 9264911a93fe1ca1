package org.grpowb.desktop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.prefs.Preferences;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.concurrent.Task;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import org.grpowb.api.TokenCodec;
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.project.StoredSettings;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.config.RunConfigModel;
import org.grpowb.desktop.config.RunConfigView;
import org.grpowb.desktop.history.RunHistoryView;
import org.grpowb.desktop.projects.ModelFolderOpening;
import org.grpowb.desktop.projects.NewProjectFlow;
import org.grpowb.desktop.projects.ModelFolderProject;
import org.grpowb.desktop.projects.ProjectExplorer;
import org.grpowb.desktop.projects.RecentProjects;
import org.grpowb.desktop.projects.SampleProject;
import org.grpowb.desktop.projects.SampleProjects;
import org.grpowb.desktop.projects.TrustPluginsDialog;
import org.grpowb.desktop.projects.WelcomeView;
import org.grpowb.desktop.run.CheckpointEvaluations;
import org.grpowb.desktop.run.RunSession;
import org.grpowb.desktop.run.RunStatusBar;
import org.grpowb.desktop.run.RunToolBar;
import org.grpowb.desktop.shell.CollapsiblePanel;
import org.grpowb.desktop.shell.EditorTabs;
import org.grpowb.desktop.shell.LongWork;
import org.grpowb.desktop.shell.Notifier;
import org.grpowb.desktop.shell.Problem;
import org.grpowb.desktop.shell.ProblemsView;
import org.grpowb.desktop.shell.ShortcutsDialog;
import org.grpowb.desktop.steer.SteeringModel;
import org.grpowb.desktop.steer.SteeringView;

/**
 * The main window's content, in the IDE mould: a project explorer on the left, editors in tabs in the centre, the run
 * console and the problems list at the bottom, a toolbar with Run, Pause, Resume and Stop, and a status bar with the
 * run's progress and the long-work indicator. The explorer and the bottom panel collapse; their sizes, the theme and
 * the recent projects are kept in user preferences.
 * <p>
 * Everything that reads the disk (opening a project, reading the store, evaluating, saving) runs as {@link LongWork}
 * off the JavaFX thread; what fails lands in the problems list and as a notification.
 */
public final class Workbench {

    private final RunSession session = new RunSession();
    private final BorderPane root = new BorderPane();
    private final ProjectExplorer explorer = new ProjectExplorer(this::openFile, this::showRun);
    private final ListView<String> console = new ListView<>();
    private final ProblemsView problems = new ProblemsView();
    private final LongWork work = new LongWork();
    private final TabPane editors = new TabPane();
    private final TabPane bottom = new TabPane();
    private final LiveViews views;
    private final Map<String, Object> overrides;
    private final Preferences prefs;
    private final Notifier notifier;
    private final RecentProjects recent;
    private final EditorTabs files = new EditorTabs(editors, work, this::saved);
    private final Tab welcomeTab;
    private final WelcomeView welcome;
    private final Tab configTab = tab("Configuration", new Label("no project"));
    private final Tab historyTab;
    private final SteeringView steering;
    private MenuBar menuBar;
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "GRPO Workbench");
    private final CollapsiblePanel explorerPanel;
    private final CollapsiblePanel bottomPanel;
    private final RunStatusBar statusBar;
    /** Asks the user for a folder (the title says what for); null when cancelled. Tests answer without a native dialog. */
    private Function<String, Path> chooseFolder = this::chooseFolderNatively;
    private List<SampleProject> samples = List.of();
    private Path projectDir;
    private Project project;
    private RunConfigView config;
    private RunHistoryView history;
    private final PluginTrust trust;
    /** SHA-256 of plugin jars the user declined to trust in this session. */
    private final Set<String> declined = new HashSet<>();
    /** Bumped on every open; a load that finishes after a newer open started is dropped. */
    private long openGeneration;
    private final ModelFolderOpening modelFolders = new ModelFolderOpening(work, root, new ModelFolderOpening.Host(
            what -> chooseFolder.apply(what), this::defaultParent, () -> samples, this::log, m -> notifier().info(m),
            this::openFromUi));
    private final NewProjectFlow newProjects = new NewProjectFlow(work, root, new NewProjectFlow.Host(() -> samples,
            this::defaultParent, this::log, m -> notifier().info(m), this::openFromUi));
    private final CheckpointEvaluations evaluations = new CheckpointEvaluations(work, session,
            new CheckpointEvaluations.Host(() -> project, this::storeFile, () -> history.selectedRunIds(),
                    p -> problems.add(Problem.of(p)), m -> notifier().info(m), this::log));

    /**
     * @param projectDir the project to open
     * @param overrides  settings applied on top of the project file for runs started here (e.g. a short test budget)
     */
    public Workbench(Path projectDir, Map<String, Object> overrides) {
        this(projectDir, overrides, Preferences.userNodeForPackage(Workbench.class));
    }

    /** @param prefs where the window keeps its layout, theme and recent projects (tests pass a scratch node) */
    public Workbench(Path projectDir, Map<String, Object> overrides, Preferences prefs) {
        this(projectDir, overrides, prefs, PluginTrust.user());
    }

    /** @param trust the plugin jars this user trusts (tests pass a scratch file) */
    public Workbench(Path projectDir, Map<String, Object> overrides, Preferences prefs, PluginTrust trust) {
        this.trust = trust;
        this.overrides = Map.copyOf(overrides);
        this.prefs = prefs;
        this.recent = new RecentProjects(prefs);
        this.projectDir = projectDir;
        this.views = new LiveViews(session, work);
        this.steering = new SteeringView(new SteeringModel(session, work, this::storeFile, edits -> {
            if (views.storedRunId() < 0) {
                views.dashboard().showEdits(edits); // a stored run on show has its own, read with it
            }
        }), work);
        this.history = new RunHistoryView(storeFile(), work);
        this.history.setOnOpen(this::showRun);
        this.historyTab = tab("Runs", history);
        this.welcome = new WelcomeView(new WelcomeView.Actions(this::openFromUi, newProjects::open, this::chooseProject,
                modelFolders::open));
        this.welcomeTab = tab("Welcome", welcome);
        work.onFailure((what, failure) -> report(what, failure));
        work.onCancelled(what -> log(what + ": cancelled"));
        problems.setOpener(p -> openFile(p.file(), p.line()));

        SplitPane centre = new SplitPane(buildEditors(), buildBottom());
        centre.setOrientation(Orientation.VERTICAL);
        SplitPane main = new SplitPane(explorer, centre);
        SplitPane.setResizableWithParent(explorer, false);
        explorerPanel = new CollapsiblePanel(main, explorer, true, "main", 0.2, prefs);
        bottomPanel = new CollapsiblePanel(centre, bottom, false, "centre", 0.75, prefs);
        notifier = new Notifier(main);

        root.setTop(new VBox(menus(), new RunToolBar(session, this::run, busy)));
        root.setCenter(notifier.node());
        statusBar = new RunStatusBar(session, work.indicator());
        root.setBottom(statusBar);
        root.getStyleClass().add("workbench");
        if (!prefs.getBoolean("welcome.seen", false)) {
            prefs.putBoolean("welcome.seen", true);
            editors.getSelectionModel().select(welcomeTab);
        }
        views.storeFile(this::storeFile);
        views.onDecodingProblem(this::decodingProblem);
        session.onFrame(this::onFrame);
        session.stateProperty().addListener((o, was, now) -> {
            log("run " + now.name().toLowerCase(Locale.ROOT)
                    + (session.messageProperty().get().isEmpty() ? "" : ": " + session.messageProperty().get()));
            if (now == RunSession.State.FINISHED || now == RunSession.State.FAILED) {
                loadRuns();
                history.reload();
            }
            if (now == RunSession.State.FAILED) {
                report("The run", new IllegalStateException(session.messageProperty().get()));
            }
        });
        welcome.setRecent(recent.list());
        loadSamples();
        findDevice();
        open(projectDir);
    }

    public Parent root() {
        return root;
    }

    public RunSession session() {
        return session;
    }

    /** True while a project is being opened or a run prepared; Run waits for it. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** The window title: the open project's name. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    LiveViews views() {
        return views;
    }

    RunConfigView config() {
        return config;
    }

    SteeringView steering() {
        return steering;
    }

    RunHistoryView history() {
        return history;
    }

    LongWork work() {
        return work;
    }

    Notifier notifier() {
        return notifier;
    }

    ProblemsView problems() {
        return problems;
    }

    ProjectExplorer explorer() {
        return explorer;
    }

    CollapsiblePanel explorerPanel() {
        return explorerPanel;
    }

    CollapsiblePanel bottomPanel() {
        return bottomPanel;
    }

    TabPane editors() {
        return editors;
    }

    public Path storeFile() {
        return projectDir.toAbsolutePath().resolve("runs").resolve("runs.db");
    }

    /**
     * Opens a project in the background: its tree in the explorer and its settings in the configuration editor, or its
     * problems (file, line, field) in the problems list.
     */
    public void open(Path dir) {
        long generation = ++openGeneration;
        projectDir = dir;
        problems.getItems().clear();
        busy.set(true);
        work.submit("Checking " + dir.getFileName() + " for plugins", new Task<List<PluginFile>>() {
            @Override
            protected List<PluginFile> call() {
                return PluginRegistry.files(dir).stream().filter(j -> !trust.trusts(j)).toList();
            }
        }, untrusted -> {
            if (generation == openGeneration) {
                load(dir, generation, askTrust(untrusted));
            }
        }, failure -> opened(dir, generation, null));
    }

    /**
     * Asks whether to trust jars the user has not declined in this session; returns those to trust. A jar the user
     * declines is not asked about again until the window restarts (a save re-opens the project).
     */
    private List<PluginFile> askTrust(List<PluginFile> untrusted) {
        List<PluginFile> ask = untrusted.stream().filter(j -> !declined.contains(j.sha256())).toList();
        if (ask.isEmpty()) {
            return List.of();
        }
        TrustPluginsDialog dialog = new TrustPluginsDialog(String.valueOf(projectDir.getFileName()), ask);
        if (root.getScene() != null) {
            dialog.initOwner(root.getScene().getWindow());
        }
        if (dialog.showAndWait().orElse(TrustPluginsDialog.SKIP) == TrustPluginsDialog.TRUST) {
            return ask;
        }
        ask.forEach(j -> declined.add(j.sha256()));
        log("opened without the untrusted plugins: " + String.join(", ", ask.stream().map(PluginFile::name).toList()));
        return List.of();
    }

    /** File → Trust Project Plugins: asks again about the jars declined in this session, then re-opens. */
    private void askTrustAgain() {
        if (runInProgress()) {
            problems.add(Problem.of("stop the run before loading other plugins"));
            return;
        }
        declined.clear();
        open(projectDir);
    }

    /** Loads the project (trusting {@code toTrust} first) with its trusted plugin jars, in the background. */
    private void load(Path dir, long generation, List<PluginFile> toTrust) {
        record Opened(Project project, List<Path> files, RunConfigModel config, List<String> pluginProblems,
                      List<String> jars, RunCodecs codecs, List<String> model) { }
        work.submit("Opening " + dir.getFileName(), new Task<Opened>() {
            @Override
            protected Opened call() {
                toTrust.forEach(trust::trust);
                PluginRegistry plugins = PluginRegistry.forProject(dir, trust);
                Project p = new ProjectLoader(plugins).load(dir, overrides);
                List<String> jars = PluginRegistry.files(dir).stream().map(j -> j.name()
                        + (plugins.untrusted().contains(j) ? " · not trusted"
                        : plugins.problems().stream().anyMatch(m -> m.contains("/" + j.name() + " "))
                        ? " · failed to load" : " · loaded")).toList();
                TokenCodec codec = p.model().factory().codec(p.model().settings(), p.model().init());
                return new Opened(p, ProjectExplorer.projectFiles(dir), new RunConfigModel(p, plugins),
                        plugins.problems(), jars, new RunCodecs(plugins, codec), ModelFolderProject.explorerLines(p));
            }
        }, opened -> {
            if (generation != openGeneration) {
                return;
            }
            opened.pluginProblems().forEach(p -> problems.add(Problem.of(p)));
            project = opened.project();
            views.codecs(opened.codecs());
            config = new RunConfigView(opened.config());
            configTab.setContent(config);
            steering.model().project(project);
            explorer.show(project, opened.files(), opened.jars(), opened.model());
            welcome.setRecent(recent.remember(dir));
            notifier.clearError();
            log("opened " + project.file());
            opened(dir, generation, project);
            loadRuns();
        }, failure -> opened(dir, generation, null));
    }

    /** The end of an open, successful ({@code loaded} not null) or not. */
    private void opened(Path dir, long generation, Project loaded) {
        if (generation != openGeneration) {
            return;
        }
        busy.set(false);
        if (loaded != null) {
            title.set("GRPO Workbench — " + loaded.name());
            return;
        }
        project = null;
        views.codecs(RunCodecs.NONE);
        configTab.setContent(new Label("fix the project's problems (see Problems) to edit its configuration"));
        explorer.showUnopened(dir);
        title.set("GRPO Workbench — " + dir.getFileName());
        log("cannot open " + dir + ": see Problems");
    }

    /** Opens another project in this window; refused while a run is in progress. */
    public void openFromUi(Path dir) {
        if (runInProgress()) {
            problems.add(Problem.of("stop the run before opening another project"));
            return;
        }
        open(dir);
        views.clear();
        history = new RunHistoryView(storeFile(), work);
        history.setOnOpen(this::showRun);
        historyTab.setContent(history);
        editors.getSelectionModel().select(0);
    }

    private void chooseProject() {
        Path dir = chooseFolder.apply("Open a GRPO Workbench project (a folder with project.yaml)");
        if (dir != null) {
            openFromUi(dir);
        }
    }

    private Path chooseFolderNatively(String title) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(title);
        java.io.File dir = chooser.showDialog(root.getScene().getWindow());
        return dir == null ? null : dir.toPath();
    }

    /** Answers the window's folder choices with {@code chooser} instead of the native dialog (tests). */
    void chooseFoldersWith(Function<String, Path> chooser) {
        this.chooseFolder = chooser;
    }

    /** Where new projects go unless the user says otherwise: beside the open project. */
    private Path defaultParent() {
        Path parent = projectDir.toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** Fills in the status bar's device; choosing it loads PyTorch's natives, so never on the JavaFX thread. */
    private void findDevice() {
        work.submit("Finding the compute device", new Task<String>() {
            @Override
            protected String call() {
                return ComputeDevice.current().line();
            }
        }, line -> {
            statusBar.device(line);
            log("device: " + line);
        }, failure -> statusBar.device("unknown (" + failure.getMessage() + ")"));
    }

    private MenuBar menus() {
        MenuBar bar = WorkbenchMenus.build(new WorkbenchMenus.Actions(() -> newProjects.open(null), this::chooseProject,
                modelFolders::open, this::askTrustAgain, () -> editors.getSelectionModel().select(welcomeTab), evaluations::evaluate,
                this::continueSelected, work::cancelNewest, this::showShortcuts, this::applyTheme),
                prefs, explorerPanel, bottomPanel);
        root.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                applyTheme(WorkbenchMenus.dark(bar));
            }
        });
        menuBar = bar;
        return bar;
    }

    private void showShortcuts() {
        ShortcutsDialog dialog = new ShortcutsDialog(menuBar, "Run\tF5", "Pause / Resume\tF6", "Stop\tShift+F5",
                "Save the file in an editor\tCtrl+S");
        if (root.getScene() != null) {
            dialog.initOwner(root.getScene().getWindow());
        }
        dialog.show();
    }

    private void applyTheme(boolean dark) {
        if (root.getScene() != null) {
            Themes.apply(root.getScene(), dark ? Themes.DARK : Themes.LIGHT);
        }
    }

    /** Runs the project with the configuration editor's changes, refusing while any setting is invalid. */
    private void run() {
        if (project == null) {
            problems.add(Problem.of("fix the project's problems before running"));
            return;
        }
        if (config != null && !config.model().valid()) {
            problems.add(Problem.of(config.model().invalidCount() + " invalid setting(s) in the run configuration"));
            return;
        }
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        if (config != null) {
            all.putAll(config.model().overrides());
        }
        prepareAndStart("Preparing the run", all, p -> session.start(p, storeFile()));
    }

    /** Continues the run selected in the run history (or the newest stopped one) from its last checkpoint. */
    private void continueSelected() {
        if (project == null || runInProgress()) {
            problems.add(Problem.of(project == null ? "open a project first" : "a run is in progress"));
            return;
        }
        List<Long> selected = history.selectedRunIds();
        Path file = storeFile();
        Map<String, Object> base = new LinkedHashMap<>(overrides);
        work.submit("Reading the run to continue", new Task<RunInfo>() {
            @Override
            protected RunInfo call() {
                try (RunStore store = RunStore.open(file)) {
                    return (selected.isEmpty()
                            ? store.runs().stream().filter(r -> !r.status().equals("done")).findFirst()
                            : store.run(selected.get(0)))
                            .orElseThrow(() -> new IllegalStateException("select a run that is not done to continue it"));
                }
            }
        }, info -> {
            // the run goes on with the settings it was started with, whatever the window or the file says now
            Map<String, Object> all = new LinkedHashMap<>(base);
            all.putAll(StoredSettings.overrides(info.configJson()));
            log("continuing run " + info.id() + " from its last checkpoint");
            prepareAndStart("Preparing run " + info.id(), all, p -> session.continueRun(p, file, info.id()));
        });
    }

    private void prepareAndStart(String what, Map<String, Object> settings, Consumer<Project> start) {
        Path dir = projectDir;
        busy.set(true);
        work.submit(what, new Task<Project>() {
            @Override
            protected Project call() {
                return new ProjectLoader(PluginRegistry.forProject(dir, trust)).load(dir, settings);
            }
        }, p -> {
            busy.set(false);
            if (runInProgress()) {
                return;
            }
            views.clear();
            editors.getSelectionModel().select(0);
            start.accept(p);
        }, failure -> busy.set(false));
    }

    /**
     * The window is asked to close: with a run in progress, stop it first (the run ends as {@code stopped}, its last
     * steps written, resumable) and close once it has; else close now. Called on the JavaFX thread.
     *
     * @return true when {@code close} ran now, false when it will run once the run has stopped
     */
    public boolean requestClose(Runnable close) {
        if (!runInProgress()) {
            close.run();
            return true;
        }
        notifier.info("Stopping the run before closing…");
        log("closing: stopping the run first");
        session.stateProperty().addListener(new ChangeListener<>() {
            @Override
            public void changed(ObservableValue<? extends RunSession.State> o, RunSession.State was,
                                RunSession.State now) {
                if (now == RunSession.State.FINISHED || now == RunSession.State.FAILED) {
                    session.stateProperty().removeListener(this);
                    close.run();
                }
            }
        });
        session.stop();
        return false;
    }

    private boolean runInProgress() {
        RunSession.State st = session.stateProperty().get();
        return st == RunSession.State.RUNNING || st == RunSession.State.PAUSED || st == RunSession.State.STOPPING;
    }

    /** Opens a project file in an editor tab (or brings its tab forward), at {@code line} when positive. */
    void openFile(Path file, int line) {
        files.open(file, line);
    }

    private void openFile(Path file) {
        files.open(file, 0);
    }

    /** After a save: a file of the open project may have fixed (or broken) it, so check the project again. */
    private void saved(Path file) {
        log("saved " + file);
        if (file.startsWith(projectDir.toAbsolutePath().normalize()) && !runInProgress()) {
            open(projectDir);
        }
    }

    /** Shows a stored run on the dashboard and in the inspector (refused while a run is live there). */
    void showRun(long runId) {
        if (runInProgress()) {
            problems.add(Problem.of("stop the run before opening another one on the dashboard"));
            return;
        }
        log("opening run " + runId + " from the store");
        views.openStored(runId);
        steering.model().follow(runId);
        editors.getSelectionModel().select(0);
    }

    private TabPane buildEditors() {
        editors.getTabs().setAll(tab("Dashboard", views.dashboard()), tab("Inspector", views.inspectorPane()),
                tab("Steering", steering), configTab, historyTab, welcomeTab);
        editors.setId("editors");
        editors.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> showingViews(now));
        showingViews(editors.getSelectionModel().getSelectedItem());
        editors.setTabClosingPolicy(TabPane.TabClosingPolicy.SELECTED_TAB);
        return editors;
    }

    private void showingViews(Tab selected) {
        views.showing(selected == editors.getTabs().get(0), selected == editors.getTabs().get(1));
    }

    private TabPane buildBottom() {
        console.setId("console");
        bottom.getTabs().setAll(tab("Console", console), tab("Problems", problems));
        bottom.setId("bottomPanel");
        return bottom;
    }

    private static Tab tab(String title, Node content) {
        Tab t = new Tab(title, content);
        t.setClosable(false);
        t.setId("tab-" + title.toLowerCase(Locale.ROOT));
        return t;
    }

    private void onFrame(List<RunEvent> events) {
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalRecord> evals = new ArrayList<>();
        StepRecord last = null;
        for (RunEvent e : events) {
            if (e instanceof RunEvent.StepCompleted sc) {
                steps.add(sc.step().metrics());
                views.remember(sc.step());
                last = sc.step();
            } else if (e instanceof RunEvent.EvalCompleted ev) {
                evals.add(ev.eval());
                log(String.format(Locale.ROOT, "eval at step %d: %.1f%%", ev.eval().step(), 100 * ev.eval().accuracy()));
            } else if (e instanceof RunEvent.Started st) {
                log("run " + st.runId() + " started at step " + st.firstStep() + " of " + st.totalSteps());
                loadRuns(); // the explorer lists the new run while it trains
            } else if (e instanceof RunEvent.NonFiniteLoss nf) {
                problems.add(Problem.of("step " + nf.step() + ": non-finite loss, update skipped"));
            }
        }
        views.accept(steps, evals, last);
        steering.model().accept(events);
    }

    /** A stored run shown with a stand-in tokenizer: its text may be wrong, so the user is told, not only logged. */
    private void decodingProblem(String problem) {
        problems.add(Problem.of(problem));
        notifier.info(problem);
        log(problem);
    }

    /** Lists the store's runs in the explorer, reading the store in the background. */
    private void loadRuns() {
        Path file = storeFile();
        long generation = openGeneration;
        work.submit("Reading runs", new Task<List<RunInfo>>() {
            @Override
            protected List<RunInfo> call() {
                if (!Files.exists(file)) {
                    return List.of();
                }
                try (RunStore store = RunStore.open(file)) {
                    return store.runs();
                }
            }
        }, runs -> {
            if (generation == openGeneration) {
                explorer.showRuns(runs);
            }
        });
    }

    private void loadSamples() {
        work.submit("Finding sample projects", new Task<List<SampleProject>>() {
            @Override
            protected List<SampleProject> call() {
                return SampleProjects.locate().map(SampleProjects::list).orElse(List.of());
            }
        }, found -> {
            samples = found;
            welcome.setSamples(found);
        });
    }

    /** An exception nobody caught (a bug): listed as a problem and announced, so the window keeps working. */
    public void reportUnexpected(String thread, Throwable failure) {
        report("Unexpected error on " + thread, failure);
    }

    /** A failure: located in the problems list, announced by a notification, detailed in the console. */
    private void report(String what, Throwable failure) {
        Problem p = Problem.of(failure);
        problems.add(p);
        bottomPanel.shownProperty().set(true);
        bottom.getSelectionModel().select(1);
        notifier.error(what + " failed: " + p.message());
        log(what + " failed: " + p.message());
    }

    private void log(String line) {
        console.getItems().add(line);
        console.scrollTo(console.getItems().size() - 1);
    }
}
