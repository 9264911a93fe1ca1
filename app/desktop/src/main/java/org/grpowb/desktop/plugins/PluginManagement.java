package org.grpowb.desktop.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.prefs.Preferences;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.scene.Node;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.BorderPane;
import javafx.stage.FileChooser;
import org.grpowb.api.Example;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginKind;
import org.grpowb.core.plugin.PluginProblem;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginStatus;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.plugin.python.PythonSettings;
import org.grpowb.core.project.Project;
import org.grpowb.desktop.projects.TrustPluginsDialog;
import org.grpowb.desktop.shell.LongWork;
import org.grpowb.desktop.shell.Problem;

/**
 * The window's handling of a project's plugin files (jars, single {@code .java} files, Python reward files): adding
 * them (dropped on the window or chosen with Plugins → Add Plugin…), asking the user to trust the ones not trusted
 * yet (and not asking again about those declined in this session), recording the trust given, switching them off and
 * on, removing them, and the interpreter Python files run with. Trust is by the file's SHA-256 ({@link PluginTrust}),
 * so a file whose bytes change is asked about again.
 * <p>
 * It also owns the registries the window builds: the open project's is closed (its class loaders released, its Python
 * workers stopped) when a newer one replaces it, and each run's when the run ends; a registry replaced while a run is
 * in progress waits for the run, whose live views may still decode with its plugins.
 * <p>
 * Methods that read plugin files or the trust file say so and run off the JavaFX thread; the dialogs run on it.
 */
public final class PluginManagement {

    /** The preference that names the Python interpreter (Plugins → Python Interpreter…). */
    public static final String PYTHON_PREFERENCE = "plugins.python";

    /** What the status line says when a plugin changes during a run. */
    static final String NEXT_RUN = "takes effect when the run is restarted or continued";

    /**
     * What plugin management takes from the window it runs in.
     *
     * @param owner         a node of the window, whose window owns the dialogs
     * @param projectDir    the open project's folder
     * @param log           a line for the console
     * @param refuse        a problem for the problems list: why nothing was done
     * @param announce      a notification for the status line
     * @param runInProgress true while a run is in progress: its plugins stay as they are until it ends
     * @param reopen        opens the project again, which asks about its untrusted plugins
     * @param reloadLiveRun asks the run in progress to reload its plugins at its next step boundary (a plugins edit)
     */
    public record Host(Node owner, Supplier<Path> projectDir, Consumer<String> log, Consumer<String> refuse,
                       Consumer<String> announce, BooleanSupplier runInProgress, Runnable reopen,
                       Runnable reloadLiveRun) { }

    private final PluginTrust trust;
    private final Preferences prefs;
    private final LongWork work;
    private final Host host;
    /** SHA-256 of plugin files the user declined to trust in this session. */
    private final Set<String> declined = new HashSet<>();
    /** The open project's registry; null before one opened. */
    private final ReadOnlyObjectWrapper<PluginRegistry> current = new ReadOnlyObjectWrapper<>(this, "current");
    /** Replaced while a run was in progress: closed when it ends. On the JavaFX thread. */
    private final List<PluginRegistry> retired = new ArrayList<>();
    /** Built for runs (off the JavaFX thread): closed when the run ends. */
    private final List<PluginRegistry> forRuns = new ArrayList<>();
    /** Asks for plugin files to add (the title says what for); empty when cancelled. Tests answer without a dialog. */
    private Function<String, List<Path>> chooseFiles = this::chooseNatively;

    /**
     * @param trust the plugin files this user trusts (tests pass a scratch file)
     * @param prefs where the chosen Python interpreter is kept
     */
    public PluginManagement(PluginTrust trust, Preferences prefs, LongWork work, Host host) {
        this.trust = trust;
        this.prefs = prefs;
        this.work = work;
        this.host = host;
    }

    /** The open project's plugins (null before a project opened), for the views that list them. */
    public ReadOnlyObjectProperty<PluginRegistry> currentProperty() {
        return current.getReadOnlyProperty();
    }

    /** The open project's plugins, or null before a project opened. */
    public PluginRegistry current() {
        return current.get();
    }

    /** The plugin files this user trusts. */
    public PluginTrust trust() {
        return trust;
    }

    /** The files in the project's {@code plugins/} folder that this user does not trust. Reads them: off the JavaFX thread. */
    public List<PluginFile> untrusted(Path projectDir) {
        return PluginRegistry.files(projectDir).stream().filter(j -> !trust.trusts(j)).toList();
    }

    /**
     * Asks whether to trust files the user has not declined in this session; returns those to trust. A file the user
     * declines is not asked about again until the window restarts, File → Trust Project Plugins or the plugin view's
     * Trust…. On the JavaFX thread.
     */
    public List<PluginFile> askTrust(Path projectDir, List<PluginFile> untrusted) {
        List<PluginFile> ask = untrusted.stream().filter(j -> !declined.contains(j.sha256())).toList();
        if (ask.isEmpty()) {
            return List.of();
        }
        TrustPluginsDialog dialog = new TrustPluginsDialog(String.valueOf(projectDir.getFileName()), ask);
        if (host.owner().getScene() != null) {
            dialog.initOwner(host.owner().getScene().getWindow());
        }
        if (dialog.showAndWait().orElse(TrustPluginsDialog.SKIP) == TrustPluginsDialog.TRUST) {
            return ask;
        }
        ask.forEach(j -> declined.add(j.sha256()));
        host.log().accept("opened without the untrusted plugins: "
                + String.join(", ", ask.stream().map(PluginFile::name).toList()));
        return List.of();
    }

    /** File → Trust Project Plugins: asks again about the files declined in this session, then re-opens. */
    public void askAgain() {
        if (host.runInProgress().getAsBoolean()) {
            host.refuse().accept("stop the run before loading other plugins");
            return;
        }
        declined.clear();
        host.reopen().run();
    }

    /**
     * Records the user's trust in {@code toTrust}, then loads the bundled plugins and the project's trusted files.
     * Writes the trust file, reads, compiles and starts plugins: off the JavaFX thread.
     */
    public PluginRegistry trustAndLoad(Path projectDir, List<PluginFile> toTrust) {
        toTrust.forEach(trust::trust);
        return PluginRegistry.forProject(projectDir, trust, python());
    }

    /**
     * The bundled plugins and the project's trusted files, for a run: closed when the run ends ({@link #runEnded}).
     * Reads, compiles and starts plugins: off the JavaFX thread.
     */
    public PluginRegistry registry(Path projectDir) {
        PluginRegistry r = PluginRegistry.forProject(projectDir, trust, python());
        synchronized (forRuns) {
            forRuns.add(r);
        }
        return r;
    }

    /**
     * The open project's plugins are now {@code registry} (null when none): the registry it replaces is closed now,
     * or when the run in progress ends. On the JavaFX thread.
     */
    public void opened(PluginRegistry registry) {
        PluginRegistry was = current.get();
        current.set(registry);
        if (was != null && was != registry) {
            if (host.runInProgress().getAsBoolean()) {
                retired.add(was);
            } else {
                close(List.of(was));
            }
        }
    }

    /** A registry loaded for an open that a newer open overtook: nobody uses it, so it is closed now. */
    public void discard(PluginRegistry registry) {
        if (registry != null && registry != current.get()) {
            close(List.of(registry));
        }
    }

    /** A run ended: the registries it (or its preparation) used, and those replaced meanwhile, are closed. */
    public void runEnded() {
        List<PluginRegistry> toClose = new ArrayList<>(retired);
        retired.clear();
        synchronized (forRuns) {
            toClose.addAll(forRuns);
            forRuns.clear();
        }
        close(toClose);
    }

    /** Closes registries in the background: stopping a Python worker waits for its process. */
    private void close(List<PluginRegistry> registries) {
        if (registries.isEmpty()) {
            return;
        }
        work.submit("Closing replaced plugins", new Task<Void>() {
            @Override
            protected Void call() {
                for (PluginRegistry r : registries) {
                    r.close();
                }
                return null;
            }
        }, done -> { });
    }

    /**
     * What failed among a registry's plugin files, each problem located in the project's own file (file, line) so
     * that the problems list opens it there; a Python file whose interpreter cannot start says where to choose one.
     */
    public static List<Problem> problems(PluginRegistry registry) {
        List<Problem> out = new ArrayList<>();
        for (PluginStatus s : registry.statuses()) {
            if (s.state() != PluginStatus.State.FAILED) {
                continue;
            }
            if (s.problems().isEmpty()) {
                out.add(Problem.of(PluginRegistry.PROJECT_PLUGINS + "/" + s.fileName() + ": " + s.detail()));
            }
            for (PluginProblem p : s.problems()) {
                String where = PluginRegistry.PROJECT_PLUGINS + "/" + s.fileName()
                        + (p.line() > 0 ? ":" + p.line() : "") + ": ";
                String message = p.message();
                if (s.kind() == PluginKind.PYTHON && message.contains("cannot start the Python interpreter")) {
                    message = "python3 not found: " + message + " (choose one with Plugins → Python Interpreter…)";
                }
                out.add(new Problem(where + message, p.file(), (int) Math.min(Integer.MAX_VALUE, p.line()), null));
            }
        }
        return out;
    }

    /** How Python reward files run: the interpreter chosen in Plugins → Python Interpreter…, else the system's. */
    public PythonSettings python() {
        PythonSettings system = PythonSettings.fromSystem();
        String chosen = prefs.get(PYTHON_PREFERENCE, "").strip();
        return chosen.isEmpty() ? system
                : new PythonSettings(chosen, system.startTimeout(), system.batchTimeout());
    }

    /**
     * Plugins → Python Interpreter…: asks for the interpreter (prefilled with the current one), keeps it in the
     * preferences, checks in the background that it runs, and re-opens the project so that its Python files use it.
     */
    public void choosePython() {
        TextInputDialog dialog = new TextInputDialog(python().executable());
        dialog.setTitle("Python Interpreter");
        dialog.setHeaderText("The interpreter that runs Python reward files (python3, or a path such as "
                + "/usr/bin/python3.12 or a virtual environment's bin/python). It runs them with your rights.");
        dialog.getEditor().setId("pythonInterpreter");
        if (host.owner().getScene() != null) {
            dialog.initOwner(host.owner().getScene().getWindow());
        }
        dialog.showAndWait().map(String::strip).filter(s -> !s.isEmpty()).ifPresent(this::usePython);
    }

    /** Keeps {@code executable} as the interpreter for Python reward files and re-opens the project with it. */
    public void usePython(String executable) {
        prefs.put(PYTHON_PREFERENCE, executable);
        work.submit("Checking " + executable, new Task<Boolean>() {
            @Override
            protected Boolean call() {
                return PythonSettings.available(executable);
            }
        }, ok -> {
            if (!ok) {
                host.refuse().accept("python3 not found: '" + executable + "' does not run as Python 3.8 or newer "
                        + "(Plugins → Python Interpreter…)");
            }
            host.log().accept("Python reward files run with " + executable + (ok ? "" : " (which does not run)"));
            reload();
        });
    }

    /** Answers Plugins → Add Plugin… with {@code chooser} instead of the native dialog (tests). */
    public void chooseFilesWith(Function<String, List<Path>> chooser) {
        this.chooseFiles = chooser;
    }

    /** Plugins → Add Plugin…: the chosen files are added as if dropped on the window. */
    public void addFromChooser() {
        List<Path> chosen = chooseFiles.apply("Add a reward plugin (.jar, .java or .py)");
        if (chosen != null && !chosen.isEmpty()) {
            add(chosen);
        }
    }

    /**
     * Adds plugin files to the open project: copies them into its {@code plugins/} folder (replacing same-named
     * files) in the background, then re-opens the project, which asks to trust the new bytes before anything of them
     * runs. During a run the trust is asked now and the files are used from the next run on. On the JavaFX thread.
     */
    public void add(List<Path> files) {
        List<Path> notPlugins = files.stream().filter(f -> PluginKind.of(f).isEmpty()).toList();
        notPlugins.forEach(f -> host.refuse().accept(f + " is not a plugin file: a plugin is a .jar, a .java or a "
                + ".py file"));
        List<Path> plugins = files.stream().filter(f -> PluginKind.of(f).isPresent()).toList();
        Path dir = host.projectDir().get();
        if (plugins.isEmpty() || dir == null) {
            return;
        }
        String names = String.join(", ", plugins.stream().map(f -> f.getFileName().toString()).toList());
        work.submit("Adding " + names, new Task<List<PluginFile>>() {
            @Override
            protected List<PluginFile> call() {
                return PluginFolder.copyIn(dir, plugins).stream().map(PluginFile::of).toList();
            }
        }, added -> {
            added.forEach(f -> host.log().accept("added " + PluginRegistry.PROJECT_PLUGINS + "/" + f.name() + " ("
                    + kindWord(f.kind()) + ", sha256 " + f.sha256() + ")"));
            added.forEach(f -> declined.remove(f.sha256())); // dropping it again is asking for it
            if (!host.runInProgress().getAsBoolean()) {
                host.reopen().run();
                return;
            }
            List<PluginFile> toTrust = askTrust(dir, added.stream().filter(f -> !trust.trusts(f)).toList());
            work.submit("Trusting " + names, new Task<Void>() {
                @Override
                protected Void call() {
                    toTrust.forEach(trust::trust);
                    return null;
                }
            }, done -> {
                // a new version of a plugin the run uses scores from the run's next step; a new name waits for a new run
                host.reloadLiveRun().run();
                host.announce().accept("added " + names + "; the run reloads its plugins at its next step");
            });
        });
    }

    /**
     * The configuration editor with the rewards the project could add above it ({@link RewardPicker}): adding one
     * writes it into {@code project.yaml} and re-opens the project.
     */
    public Node withRewardPicker(Node config, Project project, PluginRegistry registry) {
        BorderPane pane = new BorderPane(config);
        pane.setTop(new RewardPicker(project, registry, (name, weight) -> addReward(project.file(), name, weight)));
        return pane;
    }

    /** Adds a reward to the project file in the background, then re-opens the project. */
    public void addReward(Path projectFile, String name, double weight) {
        work.submit("Adding the reward " + name, new Task<Void>() {
            @Override
            protected Void call() {
                ProjectRewards.add(projectFile, name, weight);
                return null;
            }
        }, done -> {
            host.log().accept("added the reward " + name + " × " + weight + " to " + projectFile);
            reload();
        });
    }

    /** Switches a plugin file off (or on again) in {@code plugins/disabled}, then re-opens the project. */
    public void setDisabled(String fileName, boolean disabled) {
        Path dir = host.projectDir().get();
        work.submit((disabled ? "Disabling " : "Enabling ") + fileName, new Task<Void>() {
            @Override
            protected Void call() {
                PluginRegistry.setDisabled(dir, fileName, disabled);
                return null;
            }
        }, done -> {
            host.log().accept((disabled ? "disabled " : "enabled ") + PluginRegistry.PROJECT_PLUGINS + "/" + fileName);
            reload();
        });
    }

    /** Deletes a plugin file from the project's {@code plugins/} folder (the caller has asked), then re-opens. */
    public void remove(String fileName) {
        Path dir = host.projectDir().get();
        work.submit("Removing " + fileName, new Task<Void>() {
            @Override
            protected Void call() {
                PluginFolder.remove(dir, fileName);
                return null;
            }
        }, done -> {
            host.log().accept("removed " + PluginRegistry.PROJECT_PLUGINS + "/" + fileName);
            reload();
        });
    }

    /** Asks about one untrusted file again (also when declined before), then re-opens the project. */
    public void trustAgain(PluginStatus status) {
        declined.remove(status.sha256());
        if (host.runInProgress().getAsBoolean()) {
            host.refuse().accept("stop the run before loading other plugins");
            return;
        }
        host.reopen().run();
    }

    /**
     * The inspector's "Score with…" on a rollout: the dialog, open on that rollout's completion and its group's
     * example. Refused (with the reason) when no project is open.
     */
    public void scoreWith(Project project, Example stored, String completion) {
        PluginRegistry registry = current.get();
        if (project == null || registry == null) {
            host.refuse().accept("open a project to score with its rewards");
            return;
        }
        ScoreWithDialog dialog = new ScoreWithDialog(project, registry, work, stored, completion);
        if (host.owner().getScene() != null) {
            dialog.initOwner(host.owner().getScene().getWindow());
        }
        dialog.show();
    }

    /** The Plugins menu: Add Plugin…, Python Interpreter… and Trust Project Plugins…. */
    public Menu menu() {
        MenuItem add = new MenuItem("Add Plugin…");
        add.setId("addPlugin");
        add.setOnAction(e -> addFromChooser());
        MenuItem python = new MenuItem("Python Interpreter…");
        python.setId("pythonInterpreterItem");
        python.setOnAction(e -> choosePython());
        MenuItem trustItem = new MenuItem("Trust Project Plugins…");
        trustItem.setId("trustPluginsItem");
        trustItem.setOnAction(e -> askAgain());
        Menu m = new Menu("Plugins", null, add, python, trustItem);
        m.setId("pluginsMenu");
        return m;
    }

    /** The project again with its plugins as they now are, or (during a run) a word that the next run will. */
    private void reload() {
        if (host.runInProgress().getAsBoolean()) {
            host.announce().accept("the plugin change " + NEXT_RUN);
        } else {
            host.reopen().run();
        }
    }

    private List<Path> chooseNatively(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Reward plugins", "*.jar", "*.java", "*.py"));
        List<java.io.File> files = chooser.showOpenMultipleDialog(
                host.owner().getScene() == null ? null : host.owner().getScene().getWindow());
        return files == null ? List.of() : files.stream().map(java.io.File::toPath).toList();
    }

    /** The kind as the plugin view and the console say it. */
    static String kindWord(PluginKind kind) {
        return switch (kind) {
            case JAR -> "jar";
            case JAVA_SOURCE -> "Java source";
            case PYTHON -> "Python";
        };
    }

    /**
     * Each file of the project's {@code plugins/} folder as the explorer lists it: its name and whether it is
     * {@code not trusted}, {@code disabled}, {@code failed to load} (its problems are in the problems list) or
     * {@code loaded}.
     */
    public static List<String> jarLines(Path projectDir, PluginRegistry plugins) {
        return plugins.statuses().stream().map(s -> s.fileName() + switch (s.state()) {
            case UNTRUSTED -> " · not trusted";
            case DISABLED -> " · disabled";
            case FAILED -> " · failed to load";
            case LOADED -> " · loaded";
        }).toList();
    }
}
