package org.grpowb.desktop.dashboard;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;

/**
 * View model of the metrics dashboard: every point of every metric, and for each a decimated view of at most
 * {@link #displayCap()} points for drawing.
 *
 * <p>Not thread-safe: the owner calls {@link #append} on the FX thread once per frame with whatever arrived since the
 * last frame. Missing values (NaN, e.g. the loss of a skipped update or an absent {@code flip_rate}) are not stored,
 * so they show as gaps in the CSV and are simply absent from the chart.
 *
 * <p>Each {@link #SMOOTHED} metric also keeps its values smoothed by TensorBoard's debiased exponential moving average
 * ({@link #smoothingProperty()}, default {@value #DEFAULT_SMOOTHING} as in TensorBoard), computed on every stored point
 * before decimation and extended point by point as steps arrive.
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

    /**
     * Metrics drawn smoothed, with their raw values faint behind. Not eval_accuracy: a handful of evaluations a run,
     * each already an average over the whole eval set, so there is no per-step noise to smooth, and an EMA over points
     * hundreds of steps apart would drag each evaluation towards the previous ones. Nor the reward's ±std band (the
     * REWARD_HI/LO edges, and reward_std itself): it shows how the rewards spread within the step, and smoothing it
     * would understate exactly the spread it is there to show.
     */
    public static final List<String> SMOOTHED = chartedWithout(EVAL_ACCURACY);

    /** Metrics that are fractions in [0, 1]: a flat or single-point chart of one spans [0, 1]. */
    public static final Set<String> UNIT_INTERVAL = Set.of(ACCURACY, EVAL_ACCURACY, CLIP_FRAC, ZERO_ADV_FRAC,
            FLIP_RATE);

    public static final int DEFAULT_DISPLAY_CAP = 1500;
    /** TensorBoard's default smoothing weight. */
    public static final double DEFAULT_SMOOTHING = 0.6;
    /** The largest smoothing weight offered: at 0.99 the EMA already averages over about a hundred steps. */
    public static final double MAX_SMOOTHING = 0.99;

    private static List<String> chartedWithout(String metric) {
        return CHARTED.stream().filter(m -> !m.equals(metric)).toList();
    }

    private final int displayCap;
    private final Map<String, MetricSeries> series = new LinkedHashMap<>();
    private final ReadOnlyIntegerWrapper lastStep = new ReadOnlyIntegerWrapper(this, "lastStep", -1);
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper(this, "revision");
    private final DoubleProperty smoothing = new SimpleDoubleProperty(this, "smoothing", DEFAULT_SMOOTHING);

    public DashboardModel() {
        this(DEFAULT_DISPLAY_CAP);
    }

    /** @param displayCap the most points a decimated view may hold (at least 4) */
    public DashboardModel(int displayCap) {
        if (displayCap < 4) throw new IllegalArgumentException("displayCap must be at least 4: " + displayCap);
        this.displayCap = displayCap;
        for (String m : METRICS) series.put(m, new MetricSeries(displayCap, SMOOTHED.contains(m)));
        series.put(REWARD_HI, new MetricSeries(displayCap, false));
        series.put(REWARD_LO, new MetricSeries(displayCap, false));
        applySmoothing(DEFAULT_SMOOTHING);
        smoothing.addListener((o, was, now) -> applySmoothing(now.doubleValue()));
    }

    private static boolean validSmoothing(double weight) {
        return weight >= 0 && weight <= MAX_SMOOTHING;
    }

    private void applySmoothing(double weight) {
        // a listener cannot refuse a value (JavaFX swallows its exceptions): one bound in from elsewhere is clamped
        double w = validSmoothing(weight) ? weight : weight > MAX_SMOOTHING ? MAX_SMOOTHING : 0;
        for (MetricSeries m : series.values()) m.setSmoothing(w);
    }

    /**
     * The smoothing weight w in [0, {@value #MAX_SMOOTHING}] of the {@link #SMOOTHED} metrics; 0 draws the raw values.
     * Setting it costs O(1): each series re-smooths, in O(points), when it is next read, so a slider drag costs one
     * pass per frame over the charts in view only. That pass is cheap enough for the FX thread: re-smoothing and
     * decimating all ten smoothed metrics of a 100,000-step run took 6.5 ms on the 2-core development machine
     * (12.6 ms under a load of 3; {@code SmoothingTest}), so no background thread is needed.
     */
    public DoubleProperty smoothingProperty() {
        return smoothing;
    }

    public double getSmoothing() {
        return smoothing.get();
    }

    /** @throws IllegalArgumentException when the weight is outside [0, {@value #MAX_SMOOTHING}] */
    public void setSmoothing(double weight) {
        if (!validSmoothing(weight)) {
            throw new IllegalArgumentException("smoothing must be in [0, " + MAX_SMOOTHING + "]: " + weight);
        }
        smoothing.set(weight);
    }

    /** Whether a metric is drawn smoothed ({@link #SMOOTHED}). */
    public boolean isSmoothed(String metric) {
        return get(metric).isSmoothed();
    }

    /** The smoothed value of the metric's i-th stored point; its raw value for a metric not smoothed. */
    public double smoothedY(String metric, int i) {
        return get(metric).smoothedY(i);
    }

    /**
     * As {@link #decimated}, of the metric's smoothed values (the raw ones for a metric not smoothed). The first call
     * after a change of weight re-smooths the metric's stored points, O(points); later ones cost O(displayCap).
     */
    public int decimatedSmoothed(String metric, double[] xOut, double[] yOut) {
        checkCap(xOut, yOut);
        MetricSeries m = get(metric);
        return m.isSmoothed() ? m.decimateSmoothed(xOut, yOut) : m.decimate(xOut, yOut);
    }

    private void checkCap(double[] xOut, double[] yOut) {
        if (xOut.length < displayCap || yOut.length < displayCap)
            throw new IllegalArgumentException("output arrays must hold displayCap() = " + displayCap + " points");
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
        checkCap(xOut, yOut);
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
        c.setSmoothing(getSmoothing());
        series.forEach((k, v) -> c.series.put(k, v.copy()));
        c.lastStep.set(lastStep.get());
        c.revision.set(revision.get());
        return c;
    }

    /** Suffix of a smoothed metric's CSV column, e.g. {@code loss_smoothed}. */
    public static final String SMOOTHED_SUFFIX = "_smoothed";

    /** The CSV header's columns: {@code step}, the {@link #METRICS}, then each {@link #SMOOTHED} metric's smoothed. */
    public static List<String> csvColumns() {
        List<String> cols = new java.util.ArrayList<>();
        cols.add("step");
        cols.addAll(METRICS);
        for (String m : METRICS) if (SMOOTHED.contains(m)) cols.add(m + SMOOTHED_SUFFIX);
        return cols;
    }

    /**
     * Writes every stored point as CSV ({@link #csvColumns()}): a {@code step} column, one column of raw values per
     * {@link #METRICS} entry, then the smoothed values of the {@link #SMOOTHED} metrics at the current weight, one row
     * per step seen by any metric, in step order; a cell is empty where the metric has no value at that step. The raw
     * columns come first and unchanged so that a script reading them by position keeps working.
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
        out.write(String.join(",", csvColumns()) + "\n");
        int[] next = new int[cols];
        int[] pick = new int[cols];
        for (int r = 0; r < n; r++) {
            double step = steps[r];
            if (r > 0 && step == steps[r - 1]) continue;
            row.setLength(0);
            row.append(formatStep(step));
            for (int c = 0; c < cols; c++) {
                row.append(',');
                int[] ord = order[c];
                int size = s[c].size();
                pick[c] = -1;
                while (next[c] < size && s[c].x(idx(ord, next[c])) < step) next[c]++;
                if (next[c] < size && s[c].x(idx(ord, next[c])) == step) {
                    // a repeated step (e.g. a resumed run) keeps its latest value
                    int j = next[c];
                    while (j + 1 < size && s[c].x(idx(ord, j + 1)) == step) j++;
                    pick[c] = idx(ord, j);
                    row.append(s[c].y(pick[c]));
                    next[c] = j + 1;
                }
            }
            for (int c = 0; c < cols; c++) {
                if (!s[c].isSmoothed()) continue;
                row.append(',');
                if (pick[c] >= 0) row.append(s[c].smoothedY(pick[c]));
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
