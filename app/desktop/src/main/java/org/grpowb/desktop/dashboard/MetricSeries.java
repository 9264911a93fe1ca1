package org.grpowb.desktop.dashboard;

import java.util.Arrays;

/**
 * All points of one metric plus an incrementally maintained min/max bucket decimation.
 *
 * <p>Buckets cover aligned, equal runs of raw indices ({@code 2^shift} points each) and remember the index of their
 * smallest and largest value. When there are more buckets than the display allows, neighbours are merged pairwise
 * and the run length doubles, so each append costs amortised O(1) and producing the display view costs O(cap),
 * independent of how many points the run has. Keeping each bucket's extremes (rather than, say, its mean) is what
 * makes a single reward spike or loss blow-up survive decimation.
 */
final class MetricSeries {
    private double[] xs = new double[256];
    private double[] ys = new double[256];
    private int size;

    private final int maxBuckets;
    private int[] minIdx;
    private int[] maxIdx;
    private int buckets;
    private int shift;
    private long version;

    /** @param displayCap the most points {@link #decimate} may return (at least 4) */
    MetricSeries(int displayCap) {
        // two extremes per bucket, plus the series' first and last points
        this.maxBuckets = Math.max(1, (displayCap - 2) / 2);
        this.minIdx = new int[maxBuckets + 1];
        this.maxIdx = new int[maxBuckets + 1];
    }

    /** Adds one point; non-finite values are missing data and are not stored. */
    void add(double x, double y) {
        if (!Double.isFinite(y)) return;
        if (size == xs.length) {
            xs = Arrays.copyOf(xs, size * 2);
            ys = Arrays.copyOf(ys, size * 2);
        }
        int i = size++;
        xs[i] = x;
        ys[i] = y;
        version++;
        int b = i >>> shift;
        if (b == buckets) {
            minIdx[b] = i;
            maxIdx[b] = i;
            if (++buckets > maxBuckets) mergePairs();
        } else {
            if (y < ys[minIdx[b]]) minIdx[b] = i;
            if (y > ys[maxIdx[b]]) maxIdx[b] = i;
        }
    }

    private void mergePairs() {
        int merged = 0;
        for (int j = 0; j < buckets; j += 2, merged++) {
            int lo = minIdx[j];
            int hi = maxIdx[j];
            if (j + 1 < buckets) {
                if (ys[minIdx[j + 1]] < ys[lo]) lo = minIdx[j + 1];
                if (ys[maxIdx[j + 1]] > ys[hi]) hi = maxIdx[j + 1];
            }
            minIdx[merged] = lo;
            maxIdx[merged] = hi;
        }
        buckets = merged;
        shift++;
    }

    /**
     * Writes the display view into {@code xOut}/{@code yOut} (each at least the display cap long) in raw-index order
     * and returns how many points it wrote.
     */
    int decimate(double[] xOut, double[] yOut) {
        if (shift == 0) { // every point is its own bucket: nothing to drop
            System.arraycopy(xs, 0, xOut, 0, size);
            System.arraycopy(ys, 0, yOut, 0, size);
            return size;
        }
        int n = 0;
        int last = -1;
        for (int b = 0; b < buckets; b++) {
            int a = Math.min(minIdx[b], maxIdx[b]);
            int c = Math.max(minIdx[b], maxIdx[b]);
            if (b == 0 && last < 0 && a > 0) { xOut[n] = xs[0]; yOut[n++] = ys[0]; last = 0; }
            if (a > last) { xOut[n] = xs[a]; yOut[n++] = ys[a]; last = a; }
            if (c > last) { xOut[n] = xs[c]; yOut[n++] = ys[c]; last = c; }
        }
        if (size - 1 > last) { xOut[n] = xs[size - 1]; yOut[n++] = ys[size - 1]; }
        return n;
    }

    int size() { return size; }
    double x(int i) { return xs[i]; }
    double y(int i) { return ys[i]; }
    long version() { return version; }

    void clear() {
        size = 0;
        buckets = 0;
        shift = 0;
        version++;
    }

    MetricSeries copy() {
        MetricSeries c = new MetricSeries(2 * maxBuckets + 2);
        c.xs = Arrays.copyOf(xs, Math.max(size, 1));
        c.ys = Arrays.copyOf(ys, Math.max(size, 1));
        c.size = size;
        c.minIdx = minIdx.clone();
        c.maxIdx = maxIdx.clone();
        c.buckets = buckets;
        c.shift = shift;
        c.version = version;
        return c;
    }

    /** True when x never decreases, the normal case for steps of one run. */
    boolean isSorted() {
        for (int i = 1; i < size; i++) if (xs[i] < xs[i - 1]) return false;
        return true;
    }
}
