package org.grpowb.desktop.dashboard;

import java.util.List;
import org.jfree.data.DomainOrder;
import org.jfree.data.xy.AbstractXYDataset;

/**
 * An XY dataset over the model's decimated views: fixed arrays of at most {@code displayCap} points per series,
 * refilled in place when the model's series changed, so a frame allocates nothing and draws O(cap) points.
 */
final class DecimatedDataset extends AbstractXYDataset {
    private final List<String> metrics;
    private final double[][] xs;
    private final double[][] ys;
    private final int[] counts;
    private final long[] seen;

    DecimatedDataset(List<String> metrics, int displayCap) {
        this.metrics = List.copyOf(metrics);
        int n = metrics.size();
        xs = new double[n][displayCap];
        ys = new double[n][displayCap];
        counts = new int[n];
        seen = new long[n];
        java.util.Arrays.fill(seen, -1);
    }

    /** True when some series changed since the last {@link #pull}. */
    boolean isStale(DashboardModel model) {
        for (int s = 0; s < metrics.size(); s++) if (model.version(metrics.get(s)) != seen[s]) return true;
        return false;
    }

    /** Refills changed series from the model and fires one change event if anything changed. */
    boolean pull(DashboardModel model) {
        boolean changed = false;
        for (int s = 0; s < metrics.size(); s++) {
            String m = metrics.get(s);
            long v = model.version(m);
            if (v == seen[s]) continue;
            counts[s] = model.decimated(m, xs[s], ys[s]);
            seen[s] = v;
            changed = true;
        }
        if (changed) fireDatasetChanged();
        return changed;
    }

    @Override public int getSeriesCount() { return metrics.size(); }
    @Override public Comparable<String> getSeriesKey(int series) { return metrics.get(series); }
    @Override public int getItemCount(int series) { return counts[series]; }
    @Override public Number getX(int series, int item) { return xs[series][item]; }
    @Override public Number getY(int series, int item) { return ys[series][item]; }
    @Override public double getXValue(int series, int item) { return xs[series][item]; }
    @Override public double getYValue(int series, int item) { return ys[series][item]; }
    @Override public DomainOrder getDomainOrder() { return DomainOrder.NONE; }
}
