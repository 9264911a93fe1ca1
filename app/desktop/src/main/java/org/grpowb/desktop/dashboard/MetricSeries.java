package org.grpowb.desktop.dashboard;

import java.util.Arrays;

/**
 * All points of one metric, optionally their smoothed values ({@link Ema}), and an incrementally maintained min/max
 * bucket decimation of each.
 *
 * <p>Buckets cover aligned, equal runs of raw indices ({@code 2^shift} points each) and remember the index of their
 * smallest and largest value. When there are more buckets than the display allows, neighbours are merged pairwise
 * and the run length doubles, so each append costs amortised O(1) and producing the display view costs O(cap),
 * independent of how many points the run has. Keeping each bucket's extremes (rather than, say, its mean) is what
 * makes a single reward spike or loss blow-up survive decimation. The smoothed values have buckets of their own over
 * the same index runs: the raw extremes' indices would pick arbitrary points of the smoothed line.
 *
 * <p>Smoothing runs on the full-resolution values, before decimation, and follows appends one point at a time. A new
 * weight only marks the smoothed values stale; the next read recomputes them once, in O(size), so a chart nobody
 * looks at never pays for a slider drag.
 */
final class MetricSeries {
    private double[] xs = new double[256];
    private double[] ys = new double[256];
    private int size;

    private final int maxBuckets;
    private final Extremes raw;
    private int buckets;
    private int shift;
    private long version;

    /** Null when this series is drawn unsmoothed. */
    private final Smoothing smoothing;

    /** The smoothed values, their buckets, and the EMA that extends them; stale after a change of weight. */
    private static final class Smoothing {
        double weight;
        double[] values = new double[256];
        Extremes extremes;
        Ema ema;
        boolean stale = true;
    }

    /**
     * @param displayCap the most points {@link #decimate} may return (at least 4)
     * @param smoothed   whether to keep smoothed values ({@link #decimateSmoothed}), starting with weight 0
     */
    MetricSeries(int displayCap, boolean smoothed) {
        // two extremes per bucket, plus the series' first and last points
        this.maxBuckets = Math.max(1, (displayCap - 2) / 2);
        this.raw = new Extremes(maxBuckets);
        this.smoothing = smoothed ? new Smoothing() : null;
        if (smoothed) {
            smoothing.extremes = new Extremes(maxBuckets);
        }
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
        Smoothing s = smoothing != null && !smoothing.stale ? smoothing : null;
        if (s != null) {
            if (i == s.values.length) s.values = Arrays.copyOf(s.values, xs.length);
            s.values[i] = s.ema.next(y);
        }
        int b = i >>> shift;
        if (b == buckets) {
            raw.open(b, i);
            if (s != null) s.extremes.open(b, i);
            if (++buckets > maxBuckets) {
                raw.mergePairs(buckets, ys);
                if (s != null) s.extremes.mergePairs(buckets, s.values);
                buckets = (buckets + 1) / 2;
                shift++;
            }
        } else {
            raw.include(b, i, ys);
            if (s != null) s.extremes.include(b, i, s.values);
        }
    }

    /** Whether this series keeps smoothed values. */
    boolean isSmoothed() {
        return smoothing != null;
    }

    /** Sets the smoothing weight in [0, 1); the smoothed values are recomputed at their next read. */
    void setSmoothing(double weight) {
        if (smoothing == null || weight == smoothing.weight) return;
        new Ema(weight); // validates
        smoothing.weight = weight;
        smoothing.stale = true;
        version++;
    }

    double smoothingWeight() {
        return smoothing == null ? 0 : smoothing.weight;
    }

    /** Recomputes the smoothed values and their buckets if the weight changed since: O(size), once per change. */
    private Smoothing smoothed() {
        Smoothing s = smoothing;
        if (s == null) throw new IllegalStateException("this series is not smoothed");
        if (s.stale) {
            s.ema = new Ema(s.weight);
            if (s.values.length < xs.length) s.values = new double[xs.length];
            for (int i = 0; i < size; i++) s.values[i] = s.ema.next(ys[i]);
            s.extremes.rebuild(buckets, shift, size, s.values);
            s.stale = false;
        }
        return s;
    }

    /**
     * Writes the display view into {@code xOut}/{@code yOut} (each at least the display cap long) in raw-index order
     * and returns how many points it wrote.
     */
    int decimate(double[] xOut, double[] yOut) {
        return raw.decimate(buckets, shift, size, xs, ys, xOut, yOut);
    }

    /** As {@link #decimate}, of the smoothed values (their own extremes per bucket). */
    int decimateSmoothed(double[] xOut, double[] yOut) {
        Smoothing s = smoothed();
        return s.extremes.decimate(buckets, shift, size, xs, s.values, xOut, yOut);
    }

    int size() { return size; }
    double x(int i) { return xs[i]; }
    double y(int i) { return ys[i]; }
    /** The i-th point's smoothed value, or its raw value when this series is not smoothed. */
    double smoothedY(int i) { return smoothing == null ? ys[i] : smoothed().values[i]; }
    long version() { return version; }

    void clear() {
        size = 0;
        buckets = 0;
        shift = 0;
        version++;
        if (smoothing != null) smoothing.stale = true; // restarts the EMA at the next read
    }

    MetricSeries copy() {
        MetricSeries c = new MetricSeries(2 * maxBuckets + 2, smoothing != null);
        c.xs = Arrays.copyOf(xs, Math.max(size, 1));
        c.ys = Arrays.copyOf(ys, Math.max(size, 1));
        c.size = size;
        raw.copyInto(c.raw);
        c.buckets = buckets;
        c.shift = shift;
        c.version = version;
        if (smoothing != null) c.smoothing.weight = smoothing.weight; // stale: the copy smooths where it is read
        return c;
    }

    /** True when x never decreases, the normal case for steps of one run. */
    boolean isSorted() {
        for (int i = 1; i < size; i++) if (xs[i] < xs[i - 1]) return false;
        return true;
    }

    /** The index of the smallest and largest value in each bucket of one array of values. */
    private static final class Extremes {
        private final int[] minIdx;
        private final int[] maxIdx;

        Extremes(int maxBuckets) {
            minIdx = new int[maxBuckets + 1];
            maxIdx = new int[maxBuckets + 1];
        }

        void open(int b, int i) {
            minIdx[b] = i;
            maxIdx[b] = i;
        }

        void include(int b, int i, double[] v) {
            if (v[i] < v[minIdx[b]]) minIdx[b] = i;
            if (v[i] > v[maxIdx[b]]) maxIdx[b] = i;
        }

        /** Merges neighbouring buckets pairwise, leaving {@code (buckets + 1) / 2}. */
        void mergePairs(int buckets, double[] v) {
            int merged = 0;
            for (int j = 0; j < buckets; j += 2, merged++) {
                int lo = minIdx[j];
                int hi = maxIdx[j];
                if (j + 1 < buckets) {
                    if (v[minIdx[j + 1]] < v[lo]) lo = minIdx[j + 1];
                    if (v[maxIdx[j + 1]] > v[hi]) hi = maxIdx[j + 1];
                }
                minIdx[merged] = lo;
                maxIdx[merged] = hi;
            }
        }

        /** Recomputes every bucket of runs of {@code 2^shift} indices from scratch. */
        void rebuild(int buckets, int shift, int size, double[] v) {
            for (int b = 0; b < buckets; b++) {
                int from = b << shift;
                int to = Math.min(size, (b + 1) << shift);
                open(b, from);
                for (int i = from + 1; i < to; i++) include(b, i, v);
            }
        }

        int decimate(int buckets, int shift, int size, double[] xs, double[] ys, double[] xOut, double[] yOut) {
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

        void copyInto(Extremes other) {
            System.arraycopy(minIdx, 0, other.minIdx, 0, minIdx.length);
            System.arraycopy(maxIdx, 0, other.maxIdx, 0, maxIdx.length);
        }
    }
}
