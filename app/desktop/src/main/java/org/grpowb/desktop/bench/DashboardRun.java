package org.grpowb.desktop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.desktop.dashboard.DashboardModel;
import org.grpowb.desktop.dashboard.DashboardView;

/**
 * Scenario (b): the dashboard during a run that reaches {@code total} steps. At each checkpoint (1k, 10k, 50k, 100k
 * points per series) it measures a window of frames fed a few steps each, as a live run delivers them; in between
 * it catches up a thousand steps per frame, as when a stored run is replayed, so that reaching 100k points takes
 * seconds rather than the half hour a few steps per frame would.
 */
final class DashboardRun {
    static final int CATCH_UP = 1_000;

    private final int[] checkpoints;
    private final int stepsPerFrame;
    private final int windowFrames;

    DashboardRun(int[] checkpoints, int stepsPerFrame, int windowFrames) {
        this.checkpoints = checkpoints.clone();
        this.stepsPerFrame = stepsPerFrame;
        this.windowFrames = windowFrames;
    }

    /** Steps {@code [from, to)} of the run, delivered in one frame; {@code window} is a checkpoint index or −1. */
    private record Batch(int from, int to, int window) {
    }

    CompletableFuture<List<FrameRow>> run(Stage stage, double width, double height, PulseLog log) {
        int total = checkpoints[checkpoints.length - 1];
        List<StepMetrics> steps = SyntheticRun.steps(total);
        List<EvalRecord> evals = SyntheticRun.evals(total, 500);
        DashboardModel model = new DashboardModel();
        DashboardView view = new DashboardView(model);
        Scene scene = new Scene(view, width, height);
        stage.setScene(scene);
        List<Batch> plan = plan();
        int[] nextEval = {0};
        return FrameProbe.run(scene, i -> {
            if (i >= plan.size()) {
                return false;
            }
            Batch b = plan.get(i);
            List<EvalRecord> due = new ArrayList<>();
            while (nextEval[0] < evals.size() && evals.get(nextEval[0]).step() <= b.to()) {
                due.add(evals.get(nextEval[0]++));
            }
            // the frame's work is what LiveViews does with a frame's worth of data
            model.append(steps.subList(b.from(), b.to()), due);
            view.refresh();
            return true;
        }).thenApply(frames -> {
            List<FrameRow> rows = new ArrayList<>();
            for (int w = 0; w < checkpoints.length; w++) {
                int cp = w;
                int[] idx = indices(plan, b -> b.window() == cp);
                int first = plan.get(idx[0]).from();
                rows.add(FrameRow.of(String.format(Locale.ROOT,
                        "dashboard live: %d steps per frame, series %,d → %,d points", stepsPerFrame, first,
                        checkpoints[w]), frames.select(idx), log));
            }
            int[] catchUp = indices(plan, b -> b.window() < 0);
            if (catchUp.length > 0) {
                rows.add(FrameRow.of(String.format(Locale.ROOT,
                        "dashboard catch-up: up to %,d steps per frame between the windows", CATCH_UP),
                        frames.select(catchUp), log));
            }
            return rows;
        });
    }

    private List<Batch> plan() {
        List<Batch> plan = new ArrayList<>();
        int pos = 0;
        for (int w = 0; w < checkpoints.length; w++) {
            int windowStart = Math.max(pos, checkpoints[w] - windowFrames * stepsPerFrame);
            while (pos < windowStart) {
                int to = Math.min(windowStart, pos + CATCH_UP);
                plan.add(new Batch(pos, to, -1));
                pos = to;
            }
            while (pos < checkpoints[w]) {
                int to = Math.min(checkpoints[w], pos + stepsPerFrame);
                plan.add(new Batch(pos, to, w));
                pos = to;
            }
        }
        return plan;
    }

    private static int[] indices(List<Batch> plan, java.util.function.Predicate<Batch> which) {
        return java.util.stream.IntStream.range(0, plan.size()).filter(i -> which.test(plan.get(i))).toArray();
    }
}
