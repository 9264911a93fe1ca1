package org.grpowb.desktop.dashboard;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.BitSet;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYDataset;

/**
 * A line renderer that fills a series' {@link ColumnEnvelope} instead of stroking it when the series has more points
 * than the plot has pixel columns — the same pixels at a fraction of the rasterising cost. Sparser series are drawn
 * as ordinary lines. A series of a single point, which a line renderer draws as nothing, gets a dot.
 */
final class DenseLineRenderer extends XYLineAndShapeRenderer {
    private static final long serialVersionUID = 1L;

    /** Diameter of a lone point's dot, in pixels. */
    private static final double DOT = 5;

    private transient XYItemRendererState drawing;
    private final BitSet filled = new BitSet();

    DenseLineRenderer(boolean shapes) {
        super(true, shapes);
    }

    @Override
    public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea, PlotRenderingInfo info,
                         XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis, XYDataset dataset, int series,
                         int item, CrosshairState crosshairState, int pass) {
        if (state != drawing) { // a new drawing of the chart: every series decides afresh
            drawing = state;
            filled.clear();
        }
        if (item == 0 && pass == 0 && getItemLineVisible(series, 0)
                && dataset.getItemCount(series) > dataArea.getWidth()) {
            ColumnEnvelope e = ScreenPoints.envelope(plot, dataArea, domainAxis, rangeAxis, dataset, series);
            if (e != null && e.columns() > 1) {
                Stroke s = lookupSeriesStroke(series);
                double half = s instanceof BasicStroke b ? b.getLineWidth() / 2 : 0.5;
                g2.setPaint(lookupSeriesPaint(series));
                g2.fill(e.outline(half));
                filled.set(series);
            }
        }
        if (item == 0 && pass == 0 && dataset.getItemCount(series) == 1 && getItemVisible(series, 0)
                && !getItemShapeVisible(series, 0)) {
            // step 0 alone, or the first point of a metric: a line needs two points, so show the one as a dot
            double x = domainAxis.valueToJava2D(dataset.getXValue(series, 0), dataArea, plot.getDomainAxisEdge());
            double y = rangeAxis.valueToJava2D(dataset.getYValue(series, 0), dataArea, plot.getRangeAxisEdge());
            if (Double.isFinite(x) && Double.isFinite(y)) {
                g2.setPaint(lookupSeriesPaint(series));
                g2.fill(new Ellipse2D.Double(x - DOT / 2, y - DOT / 2, DOT, DOT));
            }
            return;
        }
        if (!filled.get(series)) {
            super.drawItem(g2, state, dataArea, info, plot, domainAxis, rangeAxis, dataset, series, item,
                    crosshairState, pass);
        }
    }
}
