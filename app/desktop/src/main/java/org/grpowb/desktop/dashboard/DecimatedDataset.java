package org.grpowb.desktop.dashboard;

import java.util.Arrays;
import java.util.List;
import org.jfree.data.DomainOrder;
import org.jfree.data.xy.AbstractXYDataset;

/**
 * An XY dataset over the model's decimated views: fixed arrays of at most {@code displayCap} points per series,
 * refilled in place when the model's series changed, so a frame allocates nothing and draws O(cap) points.
 */
final class DecimatedDataset extends AbstractXYDataset {
    /** One series of the dataset: a metric's smoothed view (its raw one for a metric not smoothed), or its raw one. */
    record Source(String metric, boolean smoothed) {
        static Source raw(String metric) {
            return new Source(metric, false);
        }

        static Source smoothed(String metric) {
            return new Source(metric, true);
        }

        String key() {
            return smoothed ? metric : metric + " (raw)";
        }
    }

    private final List<Source> sources;
    private final double[][] xs;
    private final double[][] ys;
    private final int[] counts;
    private final long[] seen;

    DecimatedDataset(List<Source> sources, int displayCap) {
        this.sources = List.copyOf(sources);
        int n = sources.size();
        xs = new double[n][displayCap];
        ys = new double[n][displayCap];
        counts = new int[n];
        seen = new long[n];
        Arrays.fill(seen, -1);
    }

    /** Raw views of the given metrics, e.g. the two edges of a band. */
    static DecimatedDataset rawOf(List<String> metrics, int displayCap) {
        return new DecimatedDataset(metrics.stream().map(Source::raw).toList(), displayCap);
    }

    /** True when some series changed since the last {@link #pull}. */
    boolean isStale(DashboardModel model) {
        for (int s = 0; s < sources.size(); s++) if (model.version(sources.get(s).metric()) != seen[s]) return true;
        return false;
    }

    /** Refills changed series from the model and fires one change event if anything changed. */
    boolean pull(DashboardModel model) {
        boolean changed = false;
        for (int s = 0; s < sources.size(); s++) {
            Source src = sources.get(s);
            long v = model.version(src.metric());
            if (v == seen[s]) continue;
            counts[s] = src.smoothed() ? model.decimatedSmoothed(src.metric(), xs[s], ys[s])
                    : model.decimated(src.metric(), xs[s], ys[s]);
            seen[s] = v;
            changed = true;
        }
        if (changed) fireDatasetChanged();
        return changed;
    }

    @Override public int getSeriesCount() { return sources.size(); }
    @Override public Comparable<String> getSeriesKey(int series) { return sources.get(series).key(); }
    @Override public int getItemCount(int series) { return counts[series]; }
    @Override public Number getX(int series, int item) { return xs[series][item]; }
    @Override public Number getY(int series, int item) { return ys[series][item]; }
    @Override public double getXValue(int series, int item) { return xs[series][item]; }
    @Override public double getYValue(int series, int item) { return ys[series][item]; }
    @Override public DomainOrder getDomainOrder() { return DomainOrder.NONE; }
}
