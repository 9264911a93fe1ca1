package org.grpowb.desktop.dashboard;

import java.awt.geom.Path2D;
import java.util.Arrays;

/**
 * The vertical extent a polyline covers in each one-pixel-wide screen column. A series with more points than the plot
 * has columns is drawn as this envelope, filled, rather than as a stroked zigzag: the pixels touched are the same,
 * but the zigzag's segments each span the series' whole noise band, and the software rasteriser's cost grows with the
 * summed height of all edges (thousands of tall edges per chart), whereas the envelope has two edges per column whose
 * heights are only the change from one column to the next. This is the rendering half of M4 aggregation (Jugel et al.,
 * "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014).
 */
final class ColumnEnvelope {
    /** Beyond this many columns the points are far outside any plot (a zoomed chart): not worth an envelope. */
    private static final int MAX_COLUMNS = 1 << 15;

    private final int first;
    private final double startX;
    private final double endX;
    private final double[] top;
    private final double[] bottom;

    private ColumnEnvelope(int first, double startX, double endX, double[] top, double[] bottom) {
        this.first = first;
        this.startX = startX;
        this.endX = endX;
        this.top = top;
        this.bottom = bottom;
    }

    /**
     * The envelope of the polyline through the first {@code n} screen points, or null when the x coordinates ever
     * decrease (an envelope would join points the line does not) or span too many columns.
     */
    static ColumnEnvelope of(double[] px, double[] py, int n) {
        if (n == 0) {
            return null;
        }
        for (int i = 1; i < n; i++) {
            if (!(px[i] >= px[i - 1])) {
                return null;
            }
        }
        long span = (long) column(px[n - 1]) - column(px[0]) + 1;
        if (span > MAX_COLUMNS) {
            return null;
        }
        int first = column(px[0]);
        int size = (int) span;
        double[] top = new double[size];
        double[] bottom = new double[size];
        Arrays.fill(top, Double.POSITIVE_INFINITY);
        Arrays.fill(bottom, Double.NEGATIVE_INFINITY);
        ColumnEnvelope e = new ColumnEnvelope(first, px[0], px[n - 1], top, bottom);
        e.extend(first, py[0]);
        for (int i = 1; i < n; i++) {
            int c0 = column(px[i - 1]);
            int c1 = column(px[i]);
            // a segment crossing columns covers, in each, the y range between its ends clipped to that column
            for (int k = c0; k <= c1; k++) {
                double xa = Math.max(px[i - 1], k);
                double xb = Math.min(px[i], k + 1);
                e.extend(k, lerp(px[i - 1], py[i - 1], px[i], py[i], xa));
                e.extend(k, lerp(px[i - 1], py[i - 1], px[i], py[i], xb));
            }
        }
        return e;
    }

    int columns() {
        return top.length;
    }

    int firstColumn() {
        return first;
    }

    /** Smallest screen y (the highest point) the line reaches in a column, counted from {@link #firstColumn}. */
    double top(int k) {
        return top[k];
    }

    /** Largest screen y (the lowest point) the line reaches in a column. */
    double bottom(int k) {
        return bottom[k];
    }

    /** The envelope as a closed outline, grown by {@code half} above and below: a stroke of width 2·half. */
    Path2D outline(double half) {
        Path2D.Double p = new Path2D.Double(Path2D.WIND_NON_ZERO, 2 * top.length + 1);
        for (int k = 0; k < top.length; k++) {
            if (k == 0) {
                p.moveTo(x(k), top[k] - half);
            } else {
                p.lineTo(x(k), top[k] - half);
            }
        }
        for (int k = top.length - 1; k >= 0; k--) {
            p.lineTo(x(k), bottom[k] + half);
        }
        p.closePath();
        return p;
    }

    /** The region between an upper line's tops and a lower line's bottoms, over the columns both cover. */
    static Path2D between(ColumnEnvelope upper, ColumnEnvelope lower) {
        int from = Math.max(upper.first, lower.first);
        int to = Math.min(upper.first + upper.top.length, lower.first + lower.top.length);
        Path2D.Double p = new Path2D.Double(Path2D.WIND_NON_ZERO, 2 * Math.max(0, to - from) + 1);
        double start = Math.max(upper.startX, lower.startX);
        double end = Math.min(upper.endX, lower.endX);
        for (int c = from; c < to; c++) {
            double x = c == from ? start : c == to - 1 ? end : Math.max(start, Math.min(end, c + 0.5));
            if (c == from) {
                p.moveTo(x, upper.top[c - upper.first]);
            } else {
                p.lineTo(x, upper.top[c - upper.first]);
            }
        }
        for (int c = to - 1; c >= from; c--) {
            double x = c == from ? start : c == to - 1 ? end : Math.max(start, Math.min(end, c + 0.5));
            p.lineTo(x, lower.bottom[c - lower.first]);
        }
        if (to > from) {
            p.closePath();
        }
        return p;
    }

    private double x(int k) {
        // column centres, except that the outline starts and ends where the line does
        return k == 0 ? startX : k == top.length - 1 ? endX : Math.max(startX, Math.min(endX, first + k + 0.5));
    }

    private void extend(int column, double y) {
        int k = column - first;
        top[k] = Math.min(top[k], y);
        bottom[k] = Math.max(bottom[k], y);
    }

    private static int column(double x) {
        return (int) Math.floor(x);
    }

    private static double lerp(double x0, double y0, double x1, double y1, double x) {
        return x1 == x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
}
