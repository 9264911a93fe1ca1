package org.grpowb.desktop.dashboard;

import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.AbstractXYItemRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.data.xy.XYDataset;

/**
 * Fills the region between a dataset's series 0 (the upper edge) and series 1 (the lower edge), column by column
 * ({@link ColumnEnvelope#between}): the mean ± std band. Each edge is decimated on its own, so a polygon through their
 * points would zigzag through the band; the column envelope keeps the outer extent of both at a cost that does not
 * grow with the noise.
 */
final class BandRenderer extends AbstractXYItemRenderer {
    private static final long serialVersionUID = 1L;

    BandRenderer(Paint fill) {
        setDefaultPaint(fill);
        setAutoPopulateSeriesPaint(false);
    }

    @Override
    public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea, PlotRenderingInfo info,
                         XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis, XYDataset dataset, int series,
                         int item, CrosshairState crosshairState, int pass) {
        if (series != 0 || item != 0 || dataset.getSeriesCount() < 2) {
            return;
        }
        ColumnEnvelope upper = ScreenPoints.envelope(plot, dataArea, domainAxis, rangeAxis, dataset, 0);
        ColumnEnvelope lower = ScreenPoints.envelope(plot, dataArea, domainAxis, rangeAxis, dataset, 1);
        g2.setPaint(getDefaultPaint());
        if (upper != null && lower != null) {
            g2.fill(ColumnEnvelope.between(upper, lower));
            return;
        }
        // zoomed in (or x going back): the polygon through both edges' points, which the plot clips
        ScreenPoints hi = ScreenPoints.of(plot, dataArea, domainAxis, rangeAxis, dataset, 0);
        ScreenPoints lo = ScreenPoints.of(plot, dataArea, domainAxis, rangeAxis, dataset, 1);
        if (hi == null || lo == null || hi.x().length == 0 || lo.x().length == 0) {
            return;
        }
        Path2D.Double p = new Path2D.Double();
        p.moveTo(hi.x()[0], hi.y()[0]);
        for (int i = 1; i < hi.x().length; i++) {
            p.lineTo(hi.x()[i], hi.y()[i]);
        }
        for (int i = lo.x().length - 1; i >= 0; i--) {
            p.lineTo(lo.x()[i], lo.y()[i]);
        }
        p.closePath();
        g2.fill(p);
    }
}
