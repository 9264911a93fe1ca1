package org.grpowb.desktop.dashboard;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;

/**
 * View model of the metrics dashboard: every point of every metric, and for each a decimated view of at most
 * {@link #displayCap()} points for drawing.
 *
 * <p>Not thread-safe: the owner calls {@link #append} on the FX thread once per frame with whatever arrived since the
 * last frame. Missing values (NaN, e.g. the loss of a skipped update or an absent {@code flip_rate}) are not stored,
 * so they show as gaps in the CSV and are simply absent from the chart.
 */
public final class DashboardModel {
    public static final String REWARD_MEAN = "reward_mean";
    public static final String REWARD_STD = "reward_std";
    public static final String ACCURACY = "accuracy";
    public static final String EVAL_ACCURACY = "eval_accuracy";
    public static final String LOSS = "loss";
    public static final String KL = "kl";
    public static final String ENTROPY = "entropy";
    public static final String CLIP_FRAC = "clip_frac";
    public static final String ZERO_ADV_FRAC = "zero_adv_frac";
    public static final String FLIP_RATE = "flip_rate";
    public static final String RESPONSE_LENGTH = "response_length";
    public static final String TOKENS_PER_S = "tokens_per_s";
    /** Upper edge of the reward band, mean + std; drawn, not exported. */
    public static final String REWARD_HI = "reward_mean+std";
    /** Lower edge of the reward band, mean − std; drawn, not exported. */
    public static final String REWARD_LO = "reward_mean-std";

    /** Exported metrics, in CSV column order. */
    public static final List<String> METRICS = List.of(REWARD_MEAN, REWARD_STD, ACCURACY, EVAL_ACCURACY, LOSS, KL,
            ENTROPY, CLIP_FRAC, ZERO_ADV_FRAC, FLIP_RATE, RESPONSE_LENGTH, TOKENS_PER_S);

    /** Metrics that get a chart, in grid order; reward_std is drawn as a band around reward_mean. */
    public static final List<String> CHARTED = List.of(REWARD_MEAN, ACCURACY, EVAL_ACCURACY, LOSS, KL, ENTROPY,
            CLIP_FRAC, ZERO_ADV_FRAC, FLIP_RATE, RESPONSE_LENGTH, TOKENS_PER_S);

    public static final int DEFAULT_DISPLAY_CAP = 1500;

    private final int displayCap;
    private final Map<String, MetricSeries> series = new LinkedHashMap<>();
    private final ReadOnlyIntegerWrapper lastStep = new ReadOnlyIntegerWrapper(this, "lastStep", -1);
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper(this, "revision");

    public DashboardModel() {
        this(DEFAULT_DISPLAY_CAP);
    }

    /** @param displayCap the most points a decimated view may hold (at least 4) */
    public DashboardModel(int displayCap) {
        if (displayCap < 4) throw new IllegalArgumentException("displayCap must be at least 4: " + displayCap);
        this.displayCap = displayCap;
        for (String m : METRICS) series.put(m, new MetricSeries(displayCap));
        series.put(REWARD_HI, new MetricSeries(displayCap));
        series.put(REWARD_LO, new MetricSeries(displayCap));
    }

    /** Adds everything that arrived since the last frame; either list may be empty. */
    public void append(List<StepMetrics> steps, List<EvalRecord> evals) {
        if (steps.isEmpty() && evals.isEmpty()) return;
        int last = lastStep.get();
        for (StepMetrics s : steps) {
            double x = s.step();
            add(REWARD_MEAN, x, s.rewardMean());
            add(REWARD_STD, x, s.rewardStd());
            if (Double.isFinite(s.rewardMean()) && Double.isFinite(s.rewardStd())) {
                add(REWARD_HI, x, s.rewardMean() + s.rewardStd());
                add(REWARD_LO, x, s.rewardMean() - s.rewardStd());
            }
            add(ACCURACY, x, s.accuracy());
            add(LOSS, x, s.loss());
            add(KL, x, s.kl());
            add(ENTROPY, x, s.entropy());
            add(CLIP_FRAC, x, s.clipFrac());
            add(ZERO_ADV_FRAC, x, s.zeroAdvFrac());
            add(FLIP_RATE, x, s.extra().getOrDefault(FLIP_RATE, Double.NaN));
            add(RESPONSE_LENGTH, x, s.responseLength());
            add(TOKENS_PER_S, x, s.tokensPerS());
            last = Math.max(last, s.step());
        }
        for (EvalRecord e : evals) {
            add(EVAL_ACCURACY, e.step(), e.accuracy());
            last = Math.max(last, e.step());
        }
        lastStep.set(last);
        revision.set(revision.get() + 1);
    }

    private void add(String metric, double x, double y) {
        series.get(metric).add(x, y);
    }

    /** Forgets every point, e.g. when another run is opened. */
    public void clear() {
        series.values().forEach(MetricSeries::clear);
        lastStep.set(-1);
        revision.set(revision.get() + 1);
    }

    public int displayCap() {
        return displayCap;
    }

    /** Number of stored (finite) points of a metric, or of {@link #REWARD_HI}/{@link #REWARD_LO}. */
    public int size(String metric) {
        return get(metric).size();
    }

    /** Step of the metric's i-th stored point. */
    public double x(String metric, int i) {
        return get(metric).x(i);
    }

    /** Value of the metric's i-th stored point. */
    public double y(String metric, int i) {
        return get(metric).y(i);
    }

    /** Changes whenever the metric gains or loses points; lets a view skip redrawing unchanged charts. */
    public long version(String metric) {
        return get(metric).version();
    }

    /**
     * Writes the metric's display view — at most {@link #displayCap()} points, the extremes of every bucket kept,
     * in step order — into the two arrays (each at least {@code displayCap()} long) and returns the point count.
     * Costs O(displayCap) whatever the number of stored points.
     */
    public int decimated(String metric, double[] xOut, double[] yOut) {
        if (xOut.length < displayCap || yOut.length < displayCap)
            throw new IllegalArgumentException("output arrays must hold displayCap() = " + displayCap + " points");
        return get(metric).decimate(xOut, yOut);
    }

    /** Highest step seen, -1 when empty. */
    public ReadOnlyIntegerProperty lastStepProperty() {
        return lastStep.getReadOnlyProperty();
    }

    /** Incremented by every {@link #append} that added something and by {@link #clear}. */
    public ReadOnlyLongProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }

    /** A deep copy, cheap enough to take on the FX thread so that export can run elsewhere. */
    public DashboardModel copy() {
        DashboardModel c = new DashboardModel(displayCap);
        series.forEach((k, v) -> c.series.put(k, v.copy()));
        c.lastStep.set(lastStep.get());
        c.revision.set(revision.get());
        return c;
    }

    /**
     * Writes every stored point as CSV: a {@code step} column, then one column per {@link #METRICS} entry, one row
     * per step seen by any metric, in step order; a cell is empty where the metric has no value at that step.
     */
    public void toCsv(Writer out) throws IOException {
        Objects.requireNonNull(out);
        int cols = METRICS.size();
        MetricSeries[] s = new MetricSeries[cols];
        int[][] order = new int[cols][];
        int total = 0;
        for (int c = 0; c < cols; c++) {
            s[c] = series.get(METRICS.get(c));
            order[c] = stepOrder(s[c]);
            total += s[c].size();
        }
        double[] steps = new double[total];
        int n = 0;
        for (MetricSeries m : s) for (int i = 0; i < m.size(); i++) steps[n++] = m.x(i);
        Arrays.sort(steps);

        StringBuilder row = new StringBuilder(256);
        row.append("step");
        for (String m : METRICS) row.append(',').append(m);
        out.write(row.append('\n').toString());
        int[] next = new int[cols];
        for (int r = 0; r < n; r++) {
            double step = steps[r];
            if (r > 0 && step == steps[r - 1]) continue;
            row.setLength(0);
            row.append(formatStep(step));
            for (int c = 0; c < cols; c++) {
                row.append(',');
                int[] ord = order[c];
                int size = s[c].size();
                while (next[c] < size && s[c].x(idx(ord, next[c])) < step) next[c]++;
                if (next[c] < size && s[c].x(idx(ord, next[c])) == step) {
                    // a repeated step (e.g. a resumed run) keeps its latest value
                    int j = next[c];
                    while (j + 1 < size && s[c].x(idx(ord, j + 1)) == step) j++;
                    row.append(s[c].y(idx(ord, j)));
                    next[c] = j + 1;
                }
            }
            out.write(row.append('\n').toString());
        }
        out.flush();
    }

    private static int idx(int[] order, int i) {
        return order == null ? i : order[i];
    }

    /** Null when the series is already in step order (the usual case), else the stable sort permutation. */
    private static int[] stepOrder(MetricSeries m) {
        if (m.isSorted()) return null;
        Integer[] boxed = new Integer[m.size()];
        for (int i = 0; i < boxed.length; i++) boxed[i] = i;
        Arrays.sort(boxed, (a, b) -> Double.compare(m.x(a), m.x(b)));
        int[] o = new int[boxed.length];
        for (int i = 0; i < o.length; i++) o[i] = boxed[i];
        return o;
    }

    private static String formatStep(double step) {
        return step == Math.rint(step) ? Long.toString((long) step) : Double.toString(step);
    }

    private MetricSeries get(String metric) {
        MetricSeries m = series.get(metric);
        if (m == null) throw new IllegalArgumentException("unknown metric: " + metric);
        return m;
    }
}
