package org.grpowb.desktop.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.animation.AnimationTimer;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.grpowb.core.engine.RunEvent;
import org.grpowb.core.engine.RunSummary;
import org.grpowb.core.engine.TrainingRun;
import org.grpowb.core.project.Project;
import org.grpowb.core.store.RunStore;

/**
 * The view model of one training run: starts it on a background thread, and hands its events to the views once per
 * JavaFX pulse. The training thread only enqueues (never touches a node); an {@link AnimationTimer} drains the queue
 * on the JavaFX thread, so however fast steps arrive, each frame sees one batch and the UI thread never waits.
 */
public final class RunSession {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunSession.class);

    /** Where the run is. */
    public enum State { IDLE, RUNNING, PAUSED, STOPPING, FINISHED, FAILED }

    private final ConcurrentLinkedQueue<RunEvent> inbox = new ConcurrentLinkedQueue<>();
    private final List<Consumer<List<RunEvent>>> frameListeners = new ArrayList<>();
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.IDLE);
    private final IntegerProperty step = new SimpleIntegerProperty();
    private final IntegerProperty totalSteps = new SimpleIntegerProperty();
    private final DoubleProperty tokensPerS = new SimpleDoubleProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final AnimationTimer pump;
    private volatile TrainingRun run;
    private volatile long runId = -1;
    private Thread worker;

    public RunSession() {
        pump = new AnimationTimer() {
            @Override
            public void handle(long now) {
                drain();
            }
        };
    }

    /** Listeners get, on the JavaFX thread, all events that arrived since the previous frame (never an empty list). */
    public void onFrame(Consumer<List<RunEvent>> listener) {
        frameListeners.add(listener);
    }

    /**
     * Starts a new run of {@code project} into {@code storeFile}. Call on the JavaFX thread.
     *
     * @throws IllegalStateException if a run is in progress
     */
    public void start(Project project, Path storeFile) {
        launch(project, storeFile, TrainingRun::start);
    }

    /**
     * Continues a stopped, failed or killed run of the store from its last checkpoint (the steps after it are
     * recomputed). Call on the JavaFX thread.
     *
     * @throws IllegalStateException if a run is in progress
     */
    public void continueRun(Project project, Path storeFile, long storedRunId) {
        launch(project, storeFile, r -> r.resume(storedRunId));
    }

    private void launch(Project project, Path storeFile, Function<TrainingRun, RunSummary> how) {
        if (inProgress()) {
            throw new IllegalStateException("a run is in progress");
        }
        state.set(State.RUNNING);
        message.set("");
        totalSteps.set(project.training().schedule().steps());
        step.set(0);
        pump.start();
        worker = new Thread(() -> {
            RunSummary summary;
            try (RunStore store = RunStore.open(storeFile)) {
                // the run's own Finished is held back: this thread announces the end once, after the store is closed,
                // so that a late second Finished can never end the next run's event pump
                TrainingRun r = new TrainingRun(project, store, e -> {
                    if (!(e instanceof RunEvent.Finished)) {
                        inbox.add(e);
                    }
                });
                run = r;
                summary = how.apply(r);
            } catch (RuntimeException | Error e) {
                // the window shows the message as a problem; the log keeps the whole story
                LOG.error("the run failed", e);
                summary = new RunSummary(runId, "failed", step.get(), Double.NaN, Double.NaN, 0,
                        e.getMessage() == null ? e.toString() : e.getMessage());
            }
            // announced only once the store is closed (its writes flushed), so a window that closes on it loses nothing
            inbox.add(new RunEvent.Finished(summary.runId(), summary));
        }, "training");
        worker.setDaemon(true);
        worker.start();
    }

    public void pause() {
        TrainingRun r = run;
        if (r != null && state.get() == State.RUNNING) {
            r.pause();
            state.set(State.PAUSED);
        }
    }

    /** Lets a paused run go on; a run that paused itself retries the step it paused before. */
    public void resume() {
        TrainingRun r = run;
        if (r != null && state.get() == State.PAUSED) {
            r.resumeTraining();
            message.set("");
            state.set(State.RUNNING);
        }
    }

    public void stop() {
        TrainingRun r = run;
        if (r != null && (state.get() == State.RUNNING || state.get() == State.PAUSED)) {
            r.requestStop();
            message.set("");
            state.set(State.STOPPING);
        }
    }

    /** True from the start of a run until it has ended: running, paused or stopping. */
    public boolean inProgress() {
        State st = state.get();
        return st == State.RUNNING || st == State.PAUSED || st == State.STOPPING;
    }

    /** Drains the queue now; the frame timer calls it, tests may too. Must run on the JavaFX thread. */
    public void drain() {
        List<RunEvent> batch = new ArrayList<>();
        for (RunEvent e; (e = inbox.poll()) != null; ) {
            batch.add(e);
        }
        if (batch.isEmpty()) {
            return;
        }
        RunSummary finished = null;
        for (RunEvent e : batch) {
            if (e instanceof RunEvent.Started st) {
                runId = st.runId();
            } else if (e instanceof RunEvent.StepCompleted sc) {
                step.set(sc.step().step());
                tokensPerS.set(sc.step().metrics().tokensPerS());
            } else if (e instanceof RunEvent.Paused p && stillPaused()) {
                // the run holds before a step a failing reward spoilt; it waits for resume() or stop() like a run
                // the user paused, and the message says why
                message.set(p.reason());
                state.set(State.PAUSED);
            } else if (e instanceof RunEvent.Finished f) {
                finished = f.summary();
            }
        }
        for (Consumer<List<RunEvent>> l : frameListeners) {
            l.accept(batch);
        }
        // the end of the run is announced after the views have seen its last steps and evaluation
        if (finished != null) {
            boolean ok = finished.status().equals("done") || finished.status().equals("stopped");
            message.set(finished.message());
            state.set(ok ? State.FINISHED : State.FAILED);
            pump.stop();
        }
    }

    /**
     * Whether a run that paused itself still holds: not when a stop was asked for meanwhile (that wins), nor when it
     * was resumed before this frame drained its event.
     */
    private boolean stillPaused() {
        TrainingRun r = run;
        return (state.get() == State.RUNNING || state.get() == State.PAUSED) && r != null && r.isPaused();
    }

    public ObjectProperty<State> stateProperty() {
        return state;
    }

    public IntegerProperty stepProperty() {
        return step;
    }

    public IntegerProperty totalStepsProperty() {
        return totalSteps;
    }

    public DoubleProperty tokensPerSProperty() {
        return tokensPerS;
    }

    public StringProperty messageProperty() {
        return message;
    }

    /**
     * The exact text the live policy is given for {@code prompt} (its chat template applied); empty when no run is
     * live. Callable from any thread; the hint editor calls it off the JavaFX thread.
     */
    public java.util.Optional<String> renderPrompt(String prompt) {
        TrainingRun r = run;
        State st = state.get();
        return r == null || st == State.FINISHED || st == State.FAILED || st == State.IDLE
                ? java.util.Optional.empty() : r.renderPrompt(prompt);
    }

    /** The current run's id, or −1 before it has started. */
    public long runId() {
        return runId;
    }
}
