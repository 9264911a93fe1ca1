package org.grpowb.desktop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.scene.control.Slider;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.dashboard.DashboardModel;
import org.grpowb.desktop.dashboard.DashboardView;
import org.grpowb.desktop.inspector.InspectorModel;
import org.grpowb.desktop.inspector.InspectorView;
import org.grpowb.desktop.run.RunSession;

/**
 * The live dashboard and the token inspector of the current run, fed once per frame. The inspector follows the newest
 * step unless the user picks another with the step slider; recent steps are kept in memory, older ones are loaded from
 * the run store on a background thread.
 */
final class LiveViews {

    private static final int KEEP_RECENT = 256;

    private final RunSession session;
    private final DashboardView dashboard = new DashboardView(new DashboardModel());
    private final InspectorView inspector;
    private final Slider stepSlider = new Slider(1, 1, 1);
    private final Map<Integer, StepRecord> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, StepRecord> eldest) {
            return size() > KEEP_RECENT;
        }
    };
    private Supplier<Path> storeFile = () -> null;
    private boolean following = true;
    private boolean updatingSlider;

    LiveViews(RunSession session, IntFunction<String> tokenText) {
        this.session = session;
        this.inspector = new InspectorView(new InspectorModel(tokenText));
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
    }

    void storeFile(Supplier<Path> file) {
        this.storeFile = file;
    }

    DashboardView dashboard() {
        return dashboard;
    }

    InspectorView inspector() {
        return inspector;
    }

    void clear() {
        dashboard.model().clear();
        dashboard.refresh();
        recent.clear();
        following = true;
        inspector.model().setStep(null);
    }

    /** One frame's worth of new data. */
    void accept(List<StepMetrics> steps, List<EvalRecord> evals, StepRecord newest) {
        if (!steps.isEmpty() || !evals.isEmpty()) {
            dashboard.model().append(steps, evals);
            dashboard.refresh();
        }
        if (newest != null) {
            recent.put(newest.step(), newest);
            updatingSlider = true;
            stepSlider.setMax(Math.max(1, newest.step()));
            if (following) {
                stepSlider.setValue(newest.step());
            }
            updatingSlider = false;
            if (following) {
                inspector.model().setStep(newest);
            }
        }
    }

    /** Records every step as it arrives so the inspector can show any recent one. */
    void remember(StepRecord step) {
        recent.put(step.step(), step);
    }

    private void show(int step) {
        StepRecord r = recent.get(step);
        if (r != null) {
            inspector.model().setStep(r);
            return;
        }
        Path file = storeFile.get();
        long runId = session.runId();
        if (file == null || runId < 0 || !Files.exists(file)) {
            return;
        }
        Task<StepRecord> load = new Task<>() {
            @Override
            protected StepRecord call() {
                try (RunStore store = RunStore.open(file)) {
                    return store.step(runId, step).orElse(null);
                }
            }
        };
        load.setOnSucceeded(e -> {
            if (load.getValue() != null && (int) Math.round(stepSlider.getValue()) == step) {
                inspector.model().setStep(load.getValue());
            }
        });
        Thread t = new Thread(load, "load-step-" + step);
        t.setDaemon(true);
        t.start();
    }
}
