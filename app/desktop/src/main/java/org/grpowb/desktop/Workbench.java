package org.grpowb.desktop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.prefs.Preferences;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
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
import org.grpowb.api.Example;
import org.grpowb.core.device.ComputeDevice;
import org.grpowb.core.engine.Edits;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.desktop.config.RunConfigView;
import org.grpowb.desktop.history.RunHistoryView;
import org.grpowb.desktop.plugins.PluginDrop;
import org.grpowb.desktop.plugins.PluginManagement;
import org.grpowb.desktop.plugins.PluginManagerView;
import org.grpowb.desktop.projects.ModelFolderOpening;
import org.grpowb.desktop.projects.NewProjectFlow;
import org.grpowb.desktop.projects.ProjectExplorer;
import org.grpowb.desktop.projects.ProjectLifecycle;
import org.grpowb.desktop.projects.RecentProjects;
import org.grpowb.desktop.projects.SampleProject;
import org.grpowb.desktop.projects.WelcomeView;
import org.grpowb.desktop.run.CheckpointEvaluations;
import org.grpowb.desktop.run.RunLifecycle;
import org.grpowb.desktop.run.RunSession;
import org.grpowb.desktop.run.RunStatusBar;
import org.grpowb.desktop.run.RunToolBar;
import org.grpowb.desktop.shell.CollapsiblePanel;
import org.grpowb.desktop.shell.EditorTabs;
import org.grpowb.desktop.shell.Icons;
import org.grpowb.desktop.shell.LongWork;
import org.grpowb.desktop.shell.Notifier;
import org.grpowb.desktop.shell.Problem;
import org.grpowb.desktop.shell.ProblemsView;
import org.grpowb.desktop.shell.ShortcutsDialog;
import org.grpowb.desktop.steer.SteeringModel;
import org.grpowb.desktop.steer.SteeringView;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The main window's content, in the IDE mould: a project explorer on the left, editors in tabs in the centre, the run
 * console and the problems list at the bottom, a toolbar with Run, Pause, Resume and Stop, and a status bar with the
 * run's progress and the long-work indicator. The explorer and the bottom panel collapse; their sizes, the theme and
 * the recent projects are kept in user preferences.
 * <p>
 * This class lays the window out and wires its parts; the work is theirs: the open project's lifecycle
 * ({@link ProjectLifecycle}), the run's ({@link RunLifecycle}) and the project's plugins ({@link PluginManagement}).
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
    private final EditorTabs files = new EditorTabs(editors, work, file -> projects().saved(file));
    private final Tab configTab = tab("Configuration", Feather.SETTINGS, new Label("no project"));
    private final Tab historyTab = tab("Runs", Feather.CLOCK, new Label("no project"));
    /** True while a project is being opened or a run prepared; Run waits for it. */
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final Preferences prefs;
    private final LiveViews views;
    private final SteeringView steering;
    private final WelcomeView welcome;
    private final Tab welcomeTab;
    private final PluginManagement plugins;
    private final PluginManagerView pluginView;
    private final ProjectLifecycle projects;
    private final RunLifecycle runs;
    private final ModelFolderOpening modelFolders;
    private final NewProjectFlow newProjects;
    private final CheckpointEvaluations evaluations;
    private final CollapsiblePanel explorerPanel;
    private final CollapsiblePanel bottomPanel;
    private final Notifier notifier;
    private final RunStatusBar statusBar;
    private MenuBar menuBar;
    /** Asks the user for a folder (the title says what for); null when cancelled. Tests answer without a native dialog. */
    private Function<String, Path> chooseFolder = this::chooseFolderNatively;

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
        this.prefs = prefs;
        this.views = new LiveViews(session, work);
        views.dashboard().rememberSmoothingIn(prefs);
        this.steering = new SteeringView(new SteeringModel(session, work, this::storeFile, edits -> {
            if (views.storedRunId() < 0) {
                views.dashboard().showEdits(edits); // a stored run on show has its own, read with it
            }
        }), work);
        this.welcome = new WelcomeView(new WelcomeView.Actions(this::openFromUi, this::newProject, this::chooseProject,
                this::openModelFolder));
        this.welcomeTab = tab("Welcome", Feather.HOME, welcome);

        SplitPane centre = new SplitPane(buildEditors(), buildBottom());
        centre.setOrientation(Orientation.VERTICAL);
        SplitPane main = new SplitPane(explorer, centre);
        SplitPane.setResizableWithParent(explorer, false);
        explorerPanel = new CollapsiblePanel(main, explorer, true, "main", 0.2, prefs);
        bottomPanel = new CollapsiblePanel(centre, bottom, false, "centre", 0.75, prefs);
        notifier = new Notifier(main);

        plugins = new PluginManagement(trust, prefs, work, new PluginManagement.Host(root, () -> projects().dir(),
                this::log, this::problem, notifier::info, session::inProgress, () -> projects().reopen(),
                () -> steering.model().submit(Edits.PLUGINS, JsonNodeFactory.instance.objectNode(), "the plugin reload")));
        pluginView = new PluginManagerView(plugins, () -> projects().dir(), work);
        bottom.getTabs().add(tab("Plugins", Feather.PACKAGE, pluginView));
        projects = new ProjectLifecycle(projectDir, overrides, work, plugins, new RecentProjects(prefs), busy,
                new ProjectLifecycle.Views(explorer, welcome, problems, notifier, steering.model(), configTab, historyTab),
                new ProjectLifecycle.Host(this::log, (registry, codec) -> views.codecs(new RunCodecs(registry, codec)),
                        this::showFresh, this::showRun, session::inProgress));
        runs = new RunLifecycle(session, work, overrides, busy, new RunLifecycle.Host(projects::project, projects::dir,
                projects::storeFile, () -> projects.config() == null ? null : projects.config().model(),
                () -> projects.history().selectedRunIds(), plugins::registry, this::problem, this::log,
                notifier::info, this::alert, this::report, this::showFresh, projects::loadRuns, projects::runEnded));
        modelFolders = new ModelFolderOpening(work, root, new ModelFolderOpening.Host(what -> chooseFolder.apply(what),
                projects::defaultParent, projects::samples, this::log, notifier::info, this::openFromUi));
        newProjects = new NewProjectFlow(work, root, new NewProjectFlow.Host(projects::samples,
                projects::defaultParent, this::log, notifier::info, this::openFromUi));
        evaluations = new CheckpointEvaluations(work, session, new CheckpointEvaluations.Host(projects::project,
                this::storeFile, () -> projects.history().selectedRunIds(), this::problem, notifier::info, this::log));

        work.onFailure(this::report);
        work.onCancelled(what -> log(what + ": cancelled"));
        problems.setOpener(p -> openFile(p.file(), p.line()));
        root.setTop(new VBox(menus(), new RunToolBar(session, runs::run, busy)));
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
        session.onFrame(this::showFrame);
        session.onFrame(pluginView::accept);
        session.stateProperty().addListener((o, was, now) -> {
            if (now == RunSession.State.FINISHED || now == RunSession.State.FAILED) {
                plugins.runEnded(); // the run's plugins, and those replaced during it, are closed
            }
        });
        PluginDrop.install(root, plugins::add);
        views.inspector().addRolloutAction("Score with…", "scoreWith", (group, rollout) -> plugins.scoreWith(
                projects.project(), new Example(group.promptId(), group.prompt(), group.answer(), Map.of()),
                rollout.completion()));
        projects.loadSamples();
        findDevice();
        projects.open(projectDir);
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
        return projects.titleProperty();
    }

    LiveViews views() {
        return views;
    }

    RunConfigView config() {
        return projects.config();
    }

    SteeringView steering() {
        return steering;
    }

    RunHistoryView history() {
        return projects.history();
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

    PluginManagement plugins() {
        return plugins;
    }

    PluginManagerView pluginView() {
        return pluginView;
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

    /** The open project's run store. */
    public Path storeFile() {
        return projects.storeFile();
    }

    /**
     * Opens a project in the background: its tree in the explorer and its settings in the configuration editor, or its
     * problems (file, line, field) in the problems list.
     */
    public void open(Path dir) {
        projects.open(dir);
    }

    /** Opens another project in this window; refused while a run is in progress. */
    public void openFromUi(Path dir) {
        projects.openFromUi(dir);
    }

    /**
     * The window is asked to close: with a run in progress, stop it first (the run ends as {@code stopped}, its last
     * steps written, resumable) and close once it has; else close now. Called on the JavaFX thread.
     *
     * @return true when {@code close} ran now, false when it will run once the run has stopped
     */
    public boolean requestClose(Runnable close) {
        return runs.requestClose(close);
    }

    /** Opens a project file in an editor tab (or brings its tab forward), at {@code line} when positive. */
    void openFile(Path file, int line) {
        files.open(file, line);
    }

    private void openFile(Path file) {
        files.open(file, 0);
    }

    /** Shows a stored run on the dashboard and in the inspector (refused while a run is live there). */
    void showRun(long runId) {
        if (session.inProgress()) {
            problem("stop the run before opening another one on the dashboard");
            return;
        }
        log("opening run " + runId + " from the store");
        views.openStored(runId);
        steering.model().follow(runId);
        editors.getSelectionModel().select(0);
    }

    /** Answers the window's folder choices with {@code chooser} instead of the native dialog (tests). */
    void chooseFoldersWith(Function<String, Path> chooser) {
        this.chooseFolder = chooser;
    }

    /** The project lifecycle, for the callbacks of parts built before it (the editors' saves, the plugins). */
    private ProjectLifecycle projects() {
        return projects;
    }

    /** The welcome page's New Project, built before the flow it opens. */
    private void newProject(SampleProject template) {
        newProjects.open(template);
    }

    private void openModelFolder() {
        modelFolders.open();
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
                modelFolders::open, plugins::askAgain, () -> editors.getSelectionModel().select(welcomeTab),
                evaluations::evaluate, runs::continueSelected, work::cancelNewest, this::showShortcuts, this::applyTheme),
                prefs, explorerPanel, bottomPanel);
        root.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                applyTheme(WorkbenchMenus.dark(bar));
            }
        });
        bar.getMenus().add(2, plugins.menu());
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

    private TabPane buildEditors() {
        editors.getTabs().setAll(tab("Dashboard", Feather.BAR_CHART_2, views.dashboard()),
                tab("Inspector", Feather.SEARCH, views.inspectorPane()), tab("Steering", Feather.NAVIGATION, steering),
                configTab, historyTab, welcomeTab);
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
        bottom.getTabs().setAll(tab("Console", Feather.TERMINAL, console),
                tab("Problems", Feather.ALERT_TRIANGLE, problems));
        bottom.setId("bottomPanel");
        return bottom;
    }

    private static Tab tab(String title, Ikon icon, Node content) {
        Tab t = new Tab(title, content);
        t.setGraphic(Icons.of(icon));
        t.setClosable(false);
        t.setId("tab-" + title.toLowerCase(Locale.ROOT));
        return t;
    }

    /** Empties the run views and brings the dashboard forward: another project is open, or a run is about to start. */
    private void showFresh() {
        views.clear();
        editors.getSelectionModel().select(0);
    }

    /** The live run's steps and evaluations for the dashboard, the inspector and steering, once per frame. */
    private void showFrame(List<RunEvent> events) {
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

    /** An exception nobody caught (a bug): listed as a problem and announced, so the window keeps working. */
    public void reportUnexpected(String thread, Throwable failure) {
        report("Unexpected error on " + thread, failure);
    }

    /** A failure: located in the problems list, announced by a notification, detailed in the console. */
    private void report(String what, Throwable failure) {
        Problem p = Problem.of(failure);
        alert(p, what + " failed: " + p.message());
        log(what + " failed: " + p.message());
    }

    /** Something the user must act on (the console already says it): listed and shown, announced as an error. */
    private void alert(String message) {
        alert(Problem.of(message), message);
    }

    private void alert(Problem p, String announcement) {
        problems.add(p);
        bottomPanel.shownProperty().set(true);
        bottom.getSelectionModel().select(1);
        notifier.error(announcement);
    }

    private void problem(String message) {
        problems.add(Problem.of(message));
    }

    private void log(String line) {
        console.getItems().add(line);
        console.scrollTo(console.getItems().size() - 1);
    }
}
