package org.grpowb.desktop.bench;

import java.util.Arrays;

/**
 * What {@link FrameProbe} recorded, one entry per frame: when its pulse started ({@code System.nanoTime}), the
 * FX-thread work from the start of the animation phase through layout, and the interval since the previous pulse.
 */
record Frames(long[] startNanos, double[] workMs, double[] intervalMs) {

    int count() {
        return workMs.length;
    }

    /** The frames at the given indices, in that order. */
    Frames select(int[] indices) {
        long[] s = new long[indices.length];
        double[] w = new double[indices.length];
        double[] i = new double[indices.length];
        for (int k = 0; k < indices.length; k++) {
            s[k] = startNanos[indices[k]];
            w[k] = workMs[indices[k]];
            i[k] = intervalMs[indices[k]];
        }
        return new Frames(s, w, i);
    }

    /** Frames {@code from} (inclusive) to {@code to} (exclusive). */
    Frames slice(int from, int to) {
        return new Frames(Arrays.copyOfRange(startNanos, from, to), Arrays.copyOfRange(workMs, from, to),
                Arrays.copyOfRange(intervalMs, from, to));
    }
}
