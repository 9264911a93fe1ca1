package org.grpowb.desktop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.dashboard.DashboardModel;
import org.grpowb.desktop.dashboard.DashboardView;
import org.grpowb.desktop.dashboard.EditMarker;
import org.grpowb.desktop.inspector.InspectorModel;
import org.grpowb.desktop.inspector.InspectorView;
import org.grpowb.desktop.run.RunSession;
import org.grpowb.desktop.shell.LongWork;
import org.grpowb.desktop.steer.SteeringModel;

/**
 * The live dashboard and the token inspector of the current run, fed once per frame. The inspector follows the newest
 * step unless the user picks another with the step slider; recent steps are kept in memory, older ones are loaded from
 * the run store on a background thread. The live run's tokens are decoded with the open project's tokenizer, a stored
 * run's with the tokenizer of the model it was trained with ({@link RunCodecs}).
 */
final class LiveViews {

    private static final int KEEP_RECENT = 256;

    private final RunSession session;
    private final LongWork work;
    private final DashboardView dashboard = new DashboardView(new DashboardModel());
    private final InspectorView inspector;
    private final RunSearchPane runSearch;
    private final SplitPane inspectorPane;
    private final Slider stepSlider = new Slider(1, 1, 1);
    private final Map<Integer, StepRecord> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, StepRecord> eldest) {
            return size() > KEEP_RECENT;
        }
    };
    private Supplier<Path> storeFile = () -> null;
    private RunCodecs codecs = RunCodecs.NONE;
    private RunCodecs.Decoding decoding = RunCodecs.NONE.live();
    private Consumer<String> onDecodingProblem = problem -> { };
    private boolean following = true;
    private boolean dashboardShown = true;
    private boolean inspectorShown = true;
    private boolean dashboardStale;
    /** The newest step, not yet given to the hidden inspector. */
    private StepRecord pendingStep;
    /** The stored run on show, or −1 for the session's (live) run. */
    private long storedRunId = -1;
    private boolean updatingSlider;

    LiveViews(RunSession session, LongWork work) {
        this.session = session;
        this.work = work;
        this.inspector = new InspectorView(new InspectorModel(decoding::tokenText));
        stepSlider.setId("stepSlider");
        stepSlider.setMajorTickUnit(1);
        stepSlider.setSnapToTicks(true);
        stepSlider.setPrefWidth(220);
        stepSlider.valueProperty().addListener((o, was, now) -> {
            if (!updatingSlider) {
                int step = (int) Math.round(now.doubleValue());
                following = step >= (int) stepSlider.getMax();
                show(step);
            }
        });
        inspector.setStepControl(stepSlider);
        runSearch = new RunSearchPane(work, () -> storeFile.get(), this::shownRunId, this::reveal);
        inspectorPane = new SplitPane(inspector, runSearch);
        inspectorPane.setDividerPositions(0.76);
        SplitPane.setResizableWithParent(runSearch, false);
    }

    /** The inspector with the run-wide search beside it, as the Inspector tab shows them. */
    SplitPane inspectorPane() {
        return inspectorPane;
    }

    RunSearchPane runSearch() {
        return runSearch;
    }

    void storeFile(Supplier<Path> file) {
        this.storeFile = file;
    }

    /** The open project's tokenizer, which decodes the live run, and its plugins, which find a stored run's. */
    void codecs(RunCodecs c) {
        codecs = c;
        if (storedRunId < 0) {
            decodeWith(c.live());
        }
    }

    /** Told, on the UI thread, when a stored run opened here cannot be decoded with its own tokenizer, and why. */
    void onDecodingProblem(Consumer<String> c) {
        onDecodingProblem = c;
    }

    /** How the inspector now decodes token ids. */
    RunCodecs.Decoding decoding() {
        return decoding;
    }

    private void decodeWith(RunCodecs.Decoding d) {
        if (!d.equals(decoding)) {
            decoding = d;
            inspector.model().setTokenText(d::tokenText);
        }
    }

    DashboardView dashboard() {
        return dashboard;
    }

    InspectorView inspector() {
        return inspector;
    }

    void clear() {
        storedRunId = -1;
        decodeWith(codecs.live());
        pendingStep = null;
        dashboardStale = false;
        dashboard.model().clear();
        dashboard.showEdits(List.of());
        dashboard.refresh();
        recent.clear();
        following = true;
        inspector.model().setStep(null);
    }

    /**
     * Which of the two views is on screen. A hidden view keeps its data but skips the drawing: while the user reads
     * the dashboard, the inspector does not lay out and paint each new step, and the other way round (during a run
     * on two cores the training competes with every frame). A view brought back catches up at once.
     */
    void showing(boolean dashboardShown, boolean inspectorShown) {
        this.dashboardShown = dashboardShown;
        this.inspectorShown = inspectorShown;
        if (dashboardShown && dashboardStale) {
            dashboard.refresh();
            dashboardStale = false;
        }
        if (inspectorShown && pendingStep != null) {
            inspector.model().setStep(pendingStep);
            pendingStep = null;
        }
    }

    /** One frame's worth of new data. */
    void accept(List<StepMetrics> steps, List<EvalRecord> evals, StepRecord newest) {
        if (!steps.isEmpty() || !evals.isEmpty()) {
            dashboard.model().append(steps, evals);
            if (dashboardShown) {
                dashboard.refresh();
            } else {
                dashboardStale = true;
            }
        }
        if (newest != null) {
            recent.put(newest.step(), newest);
            updatingSlider = true;
            stepSlider.setMax(Math.max(1, newest.step()));
            if (following) {
                stepSlider.setValue(newest.step());
            }
            updatingSlider = false;
            if (following && inspectorShown) {
                inspector.model().setStep(newest);
            } else if (following) {
                pendingStep = newest;
            }
        }
    }

    /**
     * Shows a finished (or stopped) run from the store: its curves on the dashboard and its last step in the
     * inspector, whose slider then walks its steps. Loading a long run reads every step's metrics, so it runs as
     * long work with Cancel.
     */
    void openStored(long runId) {
        Path file = storeFile.get();
        RunCodecs known = codecs;
        record Loaded(List<StepMetrics> metrics, List<EvalRecord> evals, StepRecord last,
                      RunCodecs.Decoding decoding, List<EditMarker> edits) { }
        work.submit("Opening run " + runId, new Task<Loaded>() {
            @Override
            protected Loaded call() {
                try (RunStore store = RunStore.open(file)) {
                    updateMessage("finding its tokenizer");
                    RunInfo info = store.run(runId).orElseThrow(() ->
                            new IllegalArgumentException("no run " + runId + " in " + file));
                    RunCodecs.Decoding decoding = known.of(info, file);
                    updateMessage("reading its metrics");
                    List<StepMetrics> metrics = store.metrics(runId);
                    if (isCancelled()) {
                        return null;
                    }
                    updateProgress(1, 3);
                    List<EvalRecord> evals = store.evals(runId);
                    updateProgress(2, 3);
                    updateMessage("reading its last step");
                    StepRecord last = metrics.isEmpty() ? null
                            : store.step(runId, metrics.get(metrics.size() - 1).step()).orElse(null);
                    return new Loaded(metrics, evals, last, decoding, SteeringModel.markersOf(store.edits(runId)));
                }
            }
        }, loaded -> {
            clear();
            storedRunId = runId;
            decodeWith(loaded.decoding());
            if (!loaded.decoding().problem().isEmpty()) {
                onDecodingProblem.accept(loaded.decoding().problem());
            }
            dashboard.model().append(loaded.metrics(), loaded.evals());
            dashboard.showEdits(loaded.edits());
            dashboard.refresh();
            if (loaded.last() != null) {
                following = false;
                recent.put(loaded.last().step(), loaded.last());
                updatingSlider = true;
                stepSlider.setMax(Math.max(1, loaded.last().step()));
                stepSlider.setValue(loaded.last().step());
                updatingSlider = false;
                inspector.model().setStep(loaded.last());
            }
        });
    }

    /** The run the views show: a stored one, else the session's (−1 before any run). */
    long shownRunId() {
        return storedRunId >= 0 ? storedRunId : session.runId();
    }

    /**
     * Opens a search hit: its step in the inspector (the live view stops following new steps), then its group and
     * rollout.
     */
    void reveal(org.grpowb.core.store.RolloutHit hit) {
        following = false;
        updatingSlider = true;
        stepSlider.setMax(Math.max(stepSlider.getMax(), hit.step()));
        stepSlider.setValue(hit.step());
        updatingSlider = false;
        show(hit.step(), step -> {
            inspector.revealHit(new InspectorModel.TextHit(hit.groupIndex(), hit.rolloutIndex(), 0));
        });
    }

    /** The stored run on show, or −1 when the views follow the session's run. */
    long storedRunId() {
        return storedRunId;
    }

    /** Records every step as it arrives so the inspector can show any recent one. */
    void remember(StepRecord step) {
        recent.put(step.step(), step);
    }

    private void show(int step) {
        show(step, r -> { });
    }

    /** Shows a step (from memory, else from the store in the background), then tells {@code then}. */
    private void show(int step, Consumer<StepRecord> then) {
        StepRecord r = recent.get(step);
        if (r != null) {
            inspector.model().setStep(r);
            then.accept(r);
            return;
        }
        Path file = storeFile.get();
        long runId = shownRunId();
        if (file == null || runId < 0) {
            return;
        }
        work.submit("Loading step " + step, new Task<StepRecord>() {
            @Override
            protected StepRecord call() {
                if (!Files.exists(file)) {
                    return null;
                }
                try (RunStore store = RunStore.open(file)) {
                    return store.step(runId, step).orElse(null);
                }
            }
        }, loaded -> {
            if (loaded != null && (int) Math.round(stepSlider.getValue()) == step) {
                inspector.model().setStep(loaded);
                then.accept(loaded);
            }
        });
    }
}
