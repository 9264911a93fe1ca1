package org.grpowb.desktop.dashboard;

import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;

/**
 * One series of a dataset mapped to screen coordinates.
 *
 * @param inside whether every point lies in the data area (give or take a pixel), i.e. the chart is not zoomed in
 */
record ScreenPoints(double[] x, double[] y, boolean inside) {

    /** The series on screen; null for a horizontal plot or a non-finite value. */
    static ScreenPoints of(XYPlot plot, Rectangle2D area, ValueAxis domain, ValueAxis range, XYDataset dataset,
                           int series) {
        if (plot.getOrientation() != PlotOrientation.VERTICAL) {
            return null;
        }
        int n = dataset.getItemCount(series);
        double[] px = new double[n];
        double[] py = new double[n];
        boolean inside = true;
        for (int i = 0; i < n; i++) {
            px[i] = domain.valueToJava2D(dataset.getXValue(series, i), area, plot.getDomainAxisEdge());
            py[i] = range.valueToJava2D(dataset.getYValue(series, i), area, plot.getRangeAxisEdge());
            if (!Double.isFinite(px[i]) || !Double.isFinite(py[i])) {
                return null;
            }
            inside &= px[i] >= area.getMinX() - 1 && px[i] <= area.getMaxX() + 1 && py[i] >= area.getMinY() - 1
                    && py[i] <= area.getMaxY() + 1;
        }
        return new ScreenPoints(px, py, inside);
    }

    /**
     * The series' column envelope, or null when it cannot be drawn as one: x going backwards, or points outside the
     * data area (a zoomed chart, whose few visible points are cheap to stroke).
     */
    static ColumnEnvelope envelope(XYPlot plot, Rectangle2D area, ValueAxis domain, ValueAxis range,
                                   XYDataset dataset, int series) {
        ScreenPoints p = of(plot, area, domain, range, dataset, series);
        return p == null || !p.inside() ? null : ColumnEnvelope.of(p.x(), p.y(), p.x().length);
    }
}
