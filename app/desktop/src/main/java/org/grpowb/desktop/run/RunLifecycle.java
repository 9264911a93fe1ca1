package org.grpowb.desktop.run;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.concurrent.Task;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.project.ProjectRuns;
import org.grpowb.core.project.StoredSettings;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.config.RunConfigModel;
import org.grpowb.desktop.shell.LongWork;

/**
 * A run's life in the window: Run (a new run with the configuration editor's changes), Run → Continue Selected Run,
 * the project prepared in the background before either starts, what the run's events and states tell the console and
 * the problems list, and a close that waits for the run to stop. The training itself is the {@link RunSession}'s.
 * <p>
 * A run that pauses itself ({@link RunEvent.Paused}: a reward failed on most of a step's rollouts) is put in front of
 * the user as an error with its reason; the session shows it paused, so Resume retries the step and Stop ends the run,
 * resumable.
 */
public final class RunLifecycle {

    /**
     * What the run's lifecycle takes from the window it runs in.
     *
     * @param project        the open project, or null when it did not open
     * @param projectDir     the open project's folder
     * @param storeFile      the open project's run store
     * @param config         the configuration editor's settings, or null when there is no editor
     * @param selectedRunIds the runs selected in the run history, first the one to continue
     * @param plugins        the bundled plugins and the project's trusted jars (called off the JavaFX thread)
     * @param problem        a problem for the problems list (why nothing was started, a skipped update)
     * @param log            a line for the console
     * @param announce       a notification
     * @param alarm          a problem the user must act on: listed, shown and announced as an error
     * @param report         a failure (what failed, and the exception)
     * @param showFresh      empties the run views and brings the dashboard forward: a run is about to start
     * @param runsChanged    the store has a new run: list the runs again
     * @param runEnded       a run ended: list the runs and reload the run history
     */
    public record Host(Supplier<Project> project, Supplier<Path> projectDir, Supplier<Path> storeFile,
                       Supplier<RunConfigModel> config, Supplier<List<Long>> selectedRunIds,
                       Function<Path, PluginRegistry> plugins, Consumer<String> problem, Consumer<String> log,
                       Consumer<String> announce, Consumer<String> alarm, BiConsumer<String, Throwable> report,
                       Runnable showFresh, Runnable runsChanged, Runnable runEnded) { }

    private final RunSession session;
    private final LongWork work;
    private final Map<String, Object> overrides;
    /** True while a run is being prepared (or a project opened); Run waits for it. */
    private final BooleanProperty busy;
    private final Host host;

    /** @param overrides settings applied on top of the project file for runs started here (e.g. a short test budget) */
    public RunLifecycle(RunSession session, LongWork work, Map<String, Object> overrides, BooleanProperty busy,
                        Host host) {
        this.session = session;
        this.work = work;
        this.overrides = Map.copyOf(overrides);
        this.busy = busy;
        this.host = host;
        session.onFrame(this::onFrame);
        session.stateProperty().addListener((o, was, now) -> stateChanged(now));
    }

    /** Runs the project with the configuration editor's changes, refusing while any setting is invalid. */
    public void run() {
        if (host.project().get() == null) {
            host.problem().accept("fix the project's problems before running");
            return;
        }
        RunConfigModel config = host.config().get();
        if (config != null && !config.valid()) {
            host.problem().accept(config.invalidCount() + " invalid setting(s) in the run configuration");
            return;
        }
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        if (config != null) {
            all.putAll(config.overrides());
        }
        Path store = host.storeFile().get();
        prepareAndStart("Preparing the run", all, p -> session.start(p, store));
    }

    /**
     * Continues the run selected in the run history, else this project's newest unfinished one
     * ({@link ProjectRuns#newestUnfinished}), from its last checkpoint, with the settings it was started with.
     */
    public void continueSelected() {
        Project project = host.project().get();
        if (project == null || session.inProgress()) {
            host.problem().accept(project == null ? "open a project first" : "a run is in progress");
            return;
        }
        List<Long> selected = host.selectedRunIds().get();
        Path file = host.storeFile().get();
        String projectName = project.name();
        Map<String, Object> base = new LinkedHashMap<>(overrides);
        work.submit("Reading the run to continue", new Task<RunInfo>() {
            @Override
            protected RunInfo call() {
                try (RunStore store = RunStore.open(file)) {
                    return (selected.isEmpty()
                            ? ProjectRuns.newestUnfinished(store, projectName)
                            : store.run(selected.get(0)))
                            .orElseThrow(() -> new IllegalStateException("select a run that is not done to continue it"));
                }
            }
        }, info -> {
            // the run goes on with the settings it was started with, whatever the window or the file says now
            Map<String, Object> all = new LinkedHashMap<>(base);
            all.putAll(StoredSettings.overrides(info.configJson()));
            host.log().accept("continuing run " + info.id() + " from its last checkpoint");
            prepareAndStart("Preparing run " + info.id(), all, p -> session.continueRun(p, file, info.id()));
        });
    }

    /**
     * The window is asked to close: with a run in progress, stop it first (the run ends as {@code stopped}, its last
     * steps written, resumable) and close once it has; else close now. Called on the JavaFX thread.
     *
     * @return true when {@code close} ran now, false when it will run once the run has stopped
     */
    public boolean requestClose(Runnable close) {
        if (!session.inProgress()) {
            close.run();
            return true;
        }
        host.announce().accept("Stopping the run before closing…");
        host.log().accept("closing: stopping the run first");
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

    /** Loads the project with {@code settings} in the background, then starts the run unless another began meanwhile. */
    private void prepareAndStart(String what, Map<String, Object> settings, Consumer<Project> start) {
        Path dir = host.projectDir().get();
        busy.set(true);
        work.submit(what, new Task<Project>() {
            @Override
            protected Project call() {
                return new ProjectLoader(host.plugins().apply(dir)).load(dir, settings);
            }
        }, p -> {
            busy.set(false);
            if (session.inProgress()) {
                return;
            }
            host.showFresh().run();
            start.accept(p);
        }, failure -> busy.set(false));
    }

    private void stateChanged(RunSession.State now) {
        String why = session.messageProperty().get();
        host.log().accept("run " + now.name().toLowerCase(Locale.ROOT) + (why.isEmpty() ? "" : ": " + why));
        if (now == RunSession.State.FINISHED || now == RunSession.State.FAILED) {
            host.runEnded().run();
        }
        if (now == RunSession.State.FAILED) {
            host.report().accept("The run", new IllegalStateException(why));
        }
    }

    /** What a frame's events tell the console and the problems list; the run views take the same frame themselves. */
    private void onFrame(List<RunEvent> events) {
        for (RunEvent e : events) {
            if (e instanceof RunEvent.EvalCompleted ev) {
                host.log().accept(String.format(Locale.ROOT, "eval at step %d: %.1f%%", ev.eval().step(),
                        100 * ev.eval().accuracy()));
            } else if (e instanceof RunEvent.Started st) {
                host.log().accept("run " + st.runId() + " started at step " + st.firstStep() + " of " + st.totalSteps());
                host.runsChanged().run(); // the explorer lists the new run while it trains
            } else if (e instanceof RunEvent.NonFiniteLoss nf) {
                host.problem().accept("step " + nf.step() + ": non-finite loss, update skipped");
            } else if (e instanceof RunEvent.Paused p) {
                // the session already shows the run paused (and the console its reason): the user must act on it
                host.alarm().accept("run " + p.runId() + " paused before step " + p.step() + ": " + p.reason()
                        + ". Fix or disable the reward, then Resume to retry the step, or Stop (the run stays resumable)");
            }
        }
    }
}
