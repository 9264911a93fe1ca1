package org.grpowb.desktop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one measured phase of a scenario.
 *
 * @param work     FX-thread work per frame: animation phase through layout
 * @param interval time between consecutive pulses: what the user sees as frame time
 * @param render   Prism's render-thread time per pulse, from the pulse log; null when it was not logged
 * @param total    pulse start to end of its rendering, from the pulse log; null when it was not logged
 */
record FrameRow(String name, FrameStats work, FrameStats interval, FrameStats render, FrameStats total) {

    /** Summarises frames, matching them with the pulse log's pulses that started in the same time span. */
    static FrameRow of(String name, Frames f, PulseLog log) {
        FrameStats render = null;
        FrameStats total = null;
        if (log != null) {
            List<PulseLog.Pulse> pulses = new ArrayList<>();
            // the frames of a row may be several runs (e.g. catch-up batches between windows): match each run
            int runStart = 0;
            for (int i = 1; i <= f.count(); i++) {
                boolean gap = i == f.count() || f.startNanos()[i] - f.startNanos()[i - 1] > 1_000_000_000L;
                if (gap) {
                    pulses.addAll(log.between(f.startNanos()[runStart], f.startNanos()[i - 1]));
                    runStart = i;
                }
            }
            double[] r = pulses.stream().filter(PulseLog.Pulse::rendered).mapToDouble(PulseLog.Pulse::renderMs)
                    .toArray();
            double[] t = pulses.stream().filter(PulseLog.Pulse::rendered).mapToDouble(PulseLog.Pulse::totalMs)
                    .toArray();
            render = FrameStats.of(r);
            total = FrameStats.of(t);
        }
        return new FrameRow(name, FrameStats.of(f.workMs()), FrameStats.of(f.intervalMs()), render, total);
    }

    /** A few aligned lines for the terminal. */
    String toTable() {
        StringBuilder b = new StringBuilder(name).append('\n');
        line(b, "FX work (anim→layout)", work);
        line(b, "pulse interval", interval);
        if (render != null) {
            line(b, "render thread (ms, log)", render);
            line(b, "pulse start→rendered", total);
        }
        return b.toString();
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"name\":\"%s\",\"work\":%s,\"interval\":%s,\"render\":%s,\"total\":%s}",
                name.replace("\\", "\\\\").replace("\"", "\\\""), work.toJson(), interval.toJson(),
                render == null ? "null" : render.toJson(), total == null ? "null" : total.toJson());
    }

    private static void line(StringBuilder b, String what, FrameStats s) {
        b.append(String.format(Locale.ROOT,
                "  %-24s %5d frames  mean %7.2f  p50 %7.2f  p95 %7.2f  max %8.2f  >16.7 ms: %d%n", what, s.frames(),
                s.meanMs(), s.p50Ms(), s.p95Ms(), s.maxMs(), s.over()));
    }
}
