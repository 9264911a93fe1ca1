package org.grpowb.desktop.dashboard;

import java.util.Arrays;
import java.util.List;
import javafx.application.Platform;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;

/**
 * A quick frame-time measurement: feeds steps to a dashboard in per-frame batches and times each
 * {@code append + refresh} — the work the owner does on the FX thread each frame, chart redraws included (the
 * viewers paint their canvases synchronously on a chart change; the scene-graph pulse that follows is not timed).
 */
public final class DashboardBench {
    private DashboardBench() { }

    /** Frame times in milliseconds. */
    public record Result(int frames, int points, double meanMs, double p95Ms, double maxMs) {
        @Override
        public String toString() {
            return String.format("%d frames, %d points: mean %.2f ms, p95 %.2f ms, max %.2f ms",
                    frames, points, meanMs, p95Ms, maxMs);
        }
    }

    /**
     * Appends {@code steps} to the view's model {@code perFrame} at a time, refreshing after each batch, and returns
     * the frame times. Call on the FX thread.
     */
    public static Result measure(DashboardView view, List<StepMetrics> steps, int perFrame) {
        if (!Platform.isFxApplicationThread()) throw new IllegalStateException("call on the FX thread");
        if (perFrame < 1) throw new IllegalArgumentException("perFrame must be positive");
        DashboardModel model = view.model();
        int frames = (steps.size() + perFrame - 1) / perFrame;
        double[] ms = new double[frames];
        for (int f = 0; f < frames; f++) {
            List<StepMetrics> batch = steps.subList(f * perFrame, Math.min(steps.size(), (f + 1) * perFrame));
            long t0 = System.nanoTime();
            model.append(batch, List.<EvalRecord>of());
            view.refresh();
            ms[f] = (System.nanoTime() - t0) / 1e6;
        }
        if (frames == 0) return new Result(0, 0, 0, 0, 0);
        double sum = 0;
        for (double m : ms) sum += m;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return new Result(frames, steps.size(), sum / frames,
                sorted[Math.min(frames - 1, (int) Math.ceil(0.95 * frames) - 1)], sorted[frames - 1]);
    }
}
