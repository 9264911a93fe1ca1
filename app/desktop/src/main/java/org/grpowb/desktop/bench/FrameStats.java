package org.grpowb.desktop.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Summary of per-frame times in milliseconds. Percentiles are nearest-rank, so each is a time some frame took.
 *
 * @param over frames longer than one 60 Hz frame ({@value #BUDGET_MS} ms)
 */
public record FrameStats(int frames, double meanMs, double p50Ms, double p95Ms, double maxMs, int over) {
    public static final double BUDGET_MS = 16.7;

    /** Statistics of the finite values among {@code ms}; all zero when there are none. */
    public static FrameStats of(double[] ms) {
        double[] v = Arrays.stream(ms).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return new FrameStats(0, 0, 0, 0, 0, 0);
        }
        double sum = 0;
        int over = 0;
        for (double m : v) {
            sum += m;
            if (m > BUDGET_MS) {
                over++;
            }
        }
        return new FrameStats(v.length, sum / v.length, rank(v, 0.50), rank(v, 0.95), v[v.length - 1], over);
    }

    private static double rank(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** One JSON object, keys as in the record. */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"frames\":%d,\"meanMs\":%.3f,\"p50Ms\":%.3f,\"p95Ms\":%.3f,\"maxMs\":%.3f,\"over\":%d}",
                frames, meanMs, p50Ms, p95Ms, maxMs, over);
    }
}
