package org.grpowb.desktop.shell;

import java.awt.Color;
import java.awt.Paint;
import javafx.collections.SetChangeListener;
import javafx.css.PseudoClass;
import javafx.scene.Parent;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;

/**
 * Keeps a JFreeChart's own colours (background, text, grid) in step with the window's theme. JFreeChart draws with
 * AWT onto a canvas, out of CSS's reach, so a white chart would otherwise sit on the dark theme like a lamp. The
 * series' colours are the view's and are left alone.
 * <p>
 * The theme is read from the {@link #DARK} pseudo-class of the chart's scene root, which the window's theme switch
 * sets, and followed when it changes.
 */
public final class ChartTheme {

    /** On the scene's root while the dark theme is on. */
    public static final PseudoClass DARK = PseudoClass.getPseudoClass("dark");

    /**
     * A chart's colours; they are AtlantaFX Primer's {@code -color-bg-default}, {@code -color-fg-default},
     * {@code -color-fg-muted} and {@code -color-border-default} of each theme, so a chart reads as part of the page.
     */
    public record Palette(Color background, Color text, Color mutedText, Color grid, Color series) {
    }

    /**
     * The series colour {@code series} is the charts' one blue (matplotlib's C0 on light); on the dark background that
     * blue and its faint raw curve read as one smear, so the dark palette swaps it for Primer Dark's brighter accent,
     * keeping each paint's alpha (the smoothed line opaque, the raw curve and band faint).
     */
    public static final Palette LIGHT_PALETTE = new Palette(new Color(0xffffff), new Color(0x24292f),
            new Color(0x57606a), new Color(0xd0d7de), new Color(0x1f77b4));
    public static final Palette DARK_PALETTE = new Palette(new Color(0x0d1117), new Color(0xc9d1d9),
            new Color(0x8b949e), new Color(0x30363d), new Color(0x58a6ff));

    private ChartTheme() {
    }

    /** Colours {@code viewer}'s chart for its scene's theme now and whenever the theme or the scene changes. */
    public static void follow(ChartViewer viewer) {
        SetChangeListener<PseudoClass> onRootStates = change -> paint(viewer);
        viewer.sceneProperty().addListener((o, was, now) -> {
            if (was != null && was.getRoot() != null) {
                was.getRoot().getPseudoClassStates().removeListener(onRootStates);
            }
            if (now != null && now.getRoot() != null) {
                now.getRoot().getPseudoClassStates().addListener(onRootStates);
            }
            paint(viewer);
        });
        paint(viewer);
    }

    /** Whether {@code root} (a scene's root, or null) shows the dark theme. */
    public static boolean dark(Parent root) {
        return root != null && root.getPseudoClassStates().contains(DARK);
    }

    private static void paint(ChartViewer viewer) {
        JFreeChart chart = viewer.getChart();
        if (chart != null) {
            boolean dark = dark(viewer.getScene() == null ? null : viewer.getScene().getRoot());
            apply(chart, dark ? DARK_PALETTE : LIGHT_PALETTE);
        }
    }

    /** Paints {@code chart}'s background, titles, legend, axes and grid in {@code p}; the chart redraws itself. */
    public static void apply(JFreeChart chart, Palette p) {
        chart.setBackgroundPaint(p.background());
        if (chart.getTitle() != null) {
            chart.getTitle().setPaint(p.text());
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof LegendTitle legend) {
                legend.setBackgroundPaint(p.background());
                legend.setItemPaint(p.text());
            } else if (chart.getSubtitle(i) instanceof TextTitle title) {
                title.setPaint(p.text());
            }
        }
        if (chart.getPlot() instanceof XYPlot plot) {
            plot.setBackgroundPaint(p.background());
            plot.setOutlinePaint(p.grid());
            plot.setDomainGridlinePaint(p.grid());
            plot.setRangeGridlinePaint(p.grid());
            for (int i = 0; i < plot.getDomainAxisCount(); i++) {
                axis(plot.getDomainAxis(i), p);
            }
            for (int i = 0; i < plot.getRangeAxisCount(); i++) {
                axis(plot.getRangeAxis(i), p);
            }
            Palette other = p == DARK_PALETTE ? LIGHT_PALETTE : DARK_PALETTE;
            for (int r = 0; r < plot.getRendererCount(); r++) {
                XYItemRenderer renderer = plot.getRenderer(r);
                if (renderer == null) {
                    continue;
                }
                renderer.setDefaultPaint(swapSeries(renderer.getDefaultPaint(), other, p), false);
                int series = plot.getDataset(r) == null ? 0 : plot.getDataset(r).getSeriesCount();
                for (int i = 0; i < series; i++) {
                    renderer.setSeriesPaint(i, swapSeries(renderer.getSeriesPaint(i), other, p), false);
                }
            }
        }
    }

    /** {@code paint} in {@code to}'s series colour if it is {@code from}'s (any alpha), else unchanged. */
    static Paint swapSeries(Paint paint, Palette from, Palette to) {
        if (paint instanceof Color c && (c.getRGB() & 0xffffff) == (from.series().getRGB() & 0xffffff)) {
            Color t = to.series();
            return new Color(t.getRed(), t.getGreen(), t.getBlue(), c.getAlpha());
        }
        return paint;
    }

    private static void axis(Axis axis, Palette p) {
        if (axis != null) {
            axis.setLabelPaint(p.text());
            axis.setTickLabelPaint(p.mutedText());
            axis.setAxisLinePaint(p.grid());
            axis.setTickMarkPaint(p.grid());
        }
    }
}
