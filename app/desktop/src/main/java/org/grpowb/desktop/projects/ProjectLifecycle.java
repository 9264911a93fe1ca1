package org.grpowb.desktop.projects;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import org.grpowb.api.TokenCodec;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.project.ProjectRuns;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.store.RunStore;
import org.grpowb.core.user.Installation;
import org.grpowb.core.user.UserFolders;
import org.grpowb.desktop.config.RunConfigModel;
import org.grpowb.desktop.config.RunConfigView;
import org.grpowb.desktop.history.RunHistoryView;
import org.grpowb.desktop.plugins.PluginManagement;
import org.grpowb.desktop.shell.LongWork;
import org.grpowb.desktop.shell.Notifier;
import org.grpowb.desktop.shell.Problem;
import org.grpowb.desktop.shell.ProblemsView;
import org.grpowb.desktop.steer.SteeringModel;

/**
 * The project open in the window, from choosing it to showing it: its plugins checked (and the user asked to trust
 * new ones), the project loaded in the background, then its tree in the explorer, its settings in the configuration
 * editor and its runs in the history, or its problems (file, line, field) in the problems list. It also keeps the
 * sample projects that new projects start from.
 * <p>
 * Every open bumps a generation; a load that finishes after a newer open started is dropped, so a slow project can
 * never overwrite the one the user opened after it.
 */
public final class ProjectLifecycle {

    /**
     * The views the open project fills.
     *
     * @param configTab  the tab that holds the configuration editor
     * @param historyTab the tab that holds the run history
     */
    public record Views(ProjectExplorer explorer, WelcomeView welcome, ProblemsView problems, Notifier notifier,
                        SteeringModel steering, Tab configTab, Tab historyTab) { }

    /**
     * What the project's lifecycle takes from the window it runs in.
     *
     * @param log           a line for the console
     * @param codecs        the open project's plugins and tokenizer for the run views; both null when none is open
     * @param showFresh     empties the run views and brings the dashboard forward: another project is open
     * @param showRun       opens a stored run (a double-click in the run history)
     * @param runInProgress true while a run is in progress: the project stays as it is until it ends
     */
    public record Host(Consumer<String> log, BiConsumer<PluginRegistry, TokenCodec> codecs, Runnable showFresh,
                       LongConsumer showRun, BooleanSupplier runInProgress) { }

    private final LongWork work;
    private final PluginManagement plugins;
    private final Map<String, Object> overrides;
    private final RecentProjects recent;
    private final Views views;
    private final Host host;
    /** True while a project is being opened; the window's Run waits for it. */
    private final BooleanProperty busy;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "GRPO Workbench");
    private Path dir;
    private Project project;
    private RunConfigView config;
    private RunHistoryView history;
    private List<SampleProject> samples = List.of();
    /** Bumped on every open; a load that finishes after a newer open started is dropped. */
    private long generation;

    /**
     * @param dir       the project the window starts with (opened by {@link #open})
     * @param overrides settings applied on top of the project file (e.g. a short test budget)
     */
    public ProjectLifecycle(Path dir, Map<String, Object> overrides, LongWork work, PluginManagement plugins,
                            RecentProjects recent, BooleanProperty busy, Views views, Host host) {
        this.dir = dir;
        this.overrides = Map.copyOf(overrides);
        this.work = work;
        this.plugins = plugins;
        this.recent = recent;
        this.busy = busy;
        this.views = views;
        this.host = host;
        newHistory();
        views.welcome().setRecent(recent.list());
    }

    /** The open project's folder (also when it failed to open). */
    public Path dir() {
        return dir;
    }

    /** The open project, or null when it failed to open. */
    public Project project() {
        return project;
    }

    /** The configuration editor of the open project, or null before one opened. */
    public RunConfigView config() {
        return config;
    }

    public RunHistoryView history() {
        return history;
    }

    /** The open project's run store. */
    public Path storeFile() {
        return ProjectRuns.defaultStore(dir);
    }

    /** The window title: the open project's name. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** The bundled sample projects, once found ({@link #loadSamples}); empty before. */
    public List<SampleProject> samples() {
        return samples;
    }

    /**
     * Where new projects go unless the user says otherwise: beside the open project, or the user's projects folder
     * when the open project is inside an installation (where nothing of the user's belongs).
     */
    public Path defaultParent() {
        if (dir == null || Installation.current().map(i -> i.contains(dir)).orElse(false)) {
            return UserFolders.current().projects();
        }
        Path parent = dir.toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /**
     * Opens a project in the background: first its untrusted plugin jars are asked about, then it loads with those
     * trusted. Its tree, settings and runs replace the previous project's; what is wrong lands in the problems list.
     */
    public void open(Path projectDir) {
        Optional<Installation> installation = Installation.current();
        if (installation.isPresent() && installation.get().needsCopy(projectDir)) {
            openCopyOf(projectDir, installation.get());
            return;
        }
        long opening = ++generation;
        dir = projectDir;
        views.problems().getItems().clear();
        busy.set(true);
        work.submit("Checking " + projectDir.getFileName() + " for plugins", new Task<List<PluginFile>>() {
            @Override
            protected List<PluginFile> call() {
                return plugins.untrusted(projectDir);
            }
        }, untrusted -> {
            if (opening == generation) {
                load(projectDir, opening, plugins.askTrust(projectDir, untrusted));
            }
        }, failure -> opened(projectDir, opening, null));
    }

    /**
     * A project inside the installed app (a bundled sample) is read-only and replaced by the next upgrade: open the
     * user's copy of it instead, made in the projects folder on first use.
     */
    private void openCopyOf(Path projectDir, Installation installation) {
        UserFolders folders = UserFolders.current();
        busy.set(true);
        work.submit("Copying " + projectDir.getFileName() + " to " + folders.projects(), new Task<Path>() {
            @Override
            protected Path call() throws IOException {
                return installation.openable(projectDir, folders);
            }
        }, copy -> {
            host.log().accept("the sample " + projectDir.getFileName() + " is part of the installation; opening your copy "
                    + copy);
            open(copy);
        }, failure -> {
            busy.set(false);
            views.problems().add(Problem.of("cannot copy the sample " + projectDir + " to " + folders.projects() + ": "
                    + failure.getMessage()));
        });
    }

    /** Opens the project again (after a save, or to ask again about its plugins). */
    public void reopen() {
        open(dir);
    }

    /** Opens another project in this window; refused while a run is in progress. */
    public void openFromUi(Path projectDir) {
        if (host.runInProgress().getAsBoolean()) {
            views.problems().add(Problem.of("stop the run before opening another project"));
            return;
        }
        open(projectDir);
        newHistory();
        host.showFresh().run();
    }

    /** After a save: a file of the open project may have fixed (or broken) it, so check the project again. */
    public void saved(Path file) {
        host.log().accept("saved " + file);
        if (file.startsWith(dir.toAbsolutePath().normalize()) && !host.runInProgress().getAsBoolean()) {
            open(dir);
        }
    }

    /** Lists the store's runs in the explorer, reading the store in the background. */
    public void loadRuns() {
        Path file = storeFile();
        long listing = generation;
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
            if (listing == generation) {
                views.explorer().showRuns(runs);
            }
        });
    }

    /** A run ended: the explorer and the run history list it as it now is. */
    public void runEnded() {
        loadRuns();
        history.reload();
    }

    /** Finds the bundled sample projects in the background, for the welcome page and New Project. */
    public void loadSamples() {
        work.submit("Finding sample projects", new Task<List<SampleProject>>() {
            @Override
            protected List<SampleProject> call() {
                return SampleProjects.locate().map(SampleProjects::list).orElse(List.of());
            }
        }, found -> {
            samples = found;
            views.welcome().setSamples(found);
        });
    }

    private void newHistory() {
        history = new RunHistoryView(storeFile(), work);
        history.setOnOpen(host.showRun());
        views.historyTab().setContent(history);
    }

    /** Loads the project (trusting {@code toTrust} first) with its trusted plugin files, in the background. */
    private void load(Path projectDir, long opening, List<PluginFile> toTrust) {
        record Opened(Project project, List<Path> files, RunConfigModel config, PluginRegistry plugins,
                      List<String> jars, TokenCodec codec, List<String> model) { }
        // the plugins load before the project does; a project that then fails keeps them for the plugin view
        AtomicReference<PluginRegistry> loadedPlugins = new AtomicReference<>();
        work.submit("Opening " + projectDir.getFileName(), new Task<Opened>() {
            @Override
            protected Opened call() {
                PluginRegistry registry = plugins.trustAndLoad(projectDir, toTrust);
                loadedPlugins.set(registry);
                Project p = new ProjectLoader(registry).load(projectDir, overrides);
                List<String> jars = PluginManagement.jarLines(projectDir, registry);
                TokenCodec codec = p.model().factory().codec(p.model().settings(), p.model().init());
                return new Opened(p, ProjectExplorer.projectFiles(projectDir), new RunConfigModel(p, registry),
                        registry, jars, codec, ModelFolderProject.explorerLines(p));
            }
        }, loaded -> {
            if (opening != generation) {
                plugins.discard(loaded.plugins());
                return;
            }
            PluginManagement.problems(loaded.plugins()).forEach(views.problems()::add);
            plugins.opened(loaded.plugins());
            project = loaded.project();
            host.codecs().accept(loaded.plugins(), loaded.codec());
            config = new RunConfigView(loaded.config());
            views.configTab().setContent(plugins.withRewardPicker(config, project, loaded.plugins()));
            views.steering().project(project);
            views.explorer().show(project, loaded.files(), loaded.jars(), loaded.model());
            views.welcome().setRecent(recent.remember(projectDir));
            views.notifier().clearError();
            host.log().accept("opened " + project.file());
            opened(projectDir, opening, project);
            loadRuns();
        }, failure -> {
            PluginRegistry registry = loadedPlugins.get();
            if (registry != null && opening == generation) {
                PluginManagement.problems(registry).forEach(views.problems()::add);
                plugins.opened(registry);
            } else {
                plugins.discard(registry);
            }
            opened(projectDir, opening, null);
        });
    }

    /** The end of an open, successful ({@code loaded} not null) or not. */
    private void opened(Path projectDir, long opening, Project loaded) {
        if (opening != generation) {
            return;
        }
        busy.set(false);
        if (loaded != null) {
            title.set("GRPO Workbench — " + loaded.name());
            return;
        }
        project = null;
        host.codecs().accept(null, null);
        views.configTab().setContent(new Label("fix the project's problems (see Problems) to edit its configuration"));
        views.explorer().showUnopened(projectDir);
        title.set("GRPO Workbench — " + projectDir.getFileName());
        host.log().accept("cannot open " + projectDir + ": see Problems");
    }
}
