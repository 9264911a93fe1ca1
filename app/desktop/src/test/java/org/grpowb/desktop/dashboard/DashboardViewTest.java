package org.grpowb.desktop.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

class DashboardViewTest extends ApplicationTest {
    private DashboardModel model;
    private DashboardView view;

    @TempDir
    Path dir;

    @Override
    public void start(Stage stage) {
        model = new DashboardModel();
        view = new DashboardView(model);
        stage.setScene(new Scene(view, 1200, 800));
        stage.show();
    }

    private XYDataset dataset(String metric) {
        ChartViewer viewer = lookup("#chart-" + metric).queryAs(ChartViewer.class);
        return viewer.getChart().getXYPlot().getDataset();
    }

    /** One frame as the owner runs it: append what arrived, then refresh. */
    private void frame(List<StepMetrics> steps, List<EvalRecord> evals) {
        interact(() -> {
            model.append(steps, evals);
            view.refresh();
        });
    }

    @Test
    void everyMetricHasAChartAndTheToolbarHasItsExports() {
        for (String m : DashboardModel.CHARTED) assertNotNull(lookup("#chart-" + m).query(), m);
        assertNotNull(lookup("#exportCsv").query());
        assertNotNull(lookup("#exportPng").query());
    }

    @Test
    void aChartOutOfViewIsRedrawnWhenItIsScrolledIn() {
        interact(() -> view.getScene().getWindow().setHeight(330));
        frame(Steps.range(1, 10), List.of());
        assertEquals(10, dataset("reward_mean").getItemCount(0), "in view: drawn");
        assertEquals(0, dataset("tokens_per_s").getItemCount(0), "out of view: not drawn yet");
        assertEquals(10, model.size("tokens_per_s"), "its data is kept");
        ScrollPane scroll = lookup(".scroll-pane").queryAs(ScrollPane.class);
        interact(() -> scroll.setVvalue(1));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(10, dataset("tokens_per_s").getItemCount(0), "scrolled in: caught up");
    }

    @Test
    void threeBatchesGrowTheSeriesAndTheCharts() {
        frame(Steps.range(1, 10), List.of(new EvalRecord(0, 0.1, 20)));
        assertEquals(10, model.size(DashboardModel.REWARD_MEAN));
        assertEquals(10, dataset("reward_mean").getItemCount(0));
        assertEquals(1, dataset("eval_accuracy").getItemCount(0));

        frame(Steps.range(11, 25), List.of());
        assertEquals(25, model.size(DashboardModel.KL));
        assertEquals(25, dataset("kl").getItemCount(0));
        assertEquals(25, dataset("flip_rate").getItemCount(0));

        frame(Steps.range(26, 40), List.of(new EvalRecord(40, 0.4, 20)));
        for (String m : DashboardModel.CHARTED) {
            int expected = m.equals(DashboardModel.EVAL_ACCURACY) ? 2 : 40;
            assertEquals(expected, model.size(m), m);
            assertEquals(expected, dataset(m).getItemCount(0), m);
        }
        XYDataset band = view.viewer("reward_mean").getChart().getXYPlot().getDataset(1);
        assertEquals(40, band.getItemCount(0));
        assertEquals(40, band.getItemCount(1));
    }

    @Test
    void hundredThousandPointsAreCappedAndKeepTheirExtremes() {
        List<StepMetrics> all = new ArrayList<>(100_000);
        for (int s = 1; s <= 100_000; s++) {
            double r = s == 43_210 ? -5 : s == 77_777 ? 7 : Math.sin(s / 500.0) + 0.1 * Math.sin(s * 1.7);
            all.add(Steps.step(s, r));
        }
        for (int f = 0; f < 10; f++) {
            List<StepMetrics> batch = all.subList(f * 10_000, (f + 1) * 10_000);
            interact(() -> {
                model.append(batch, List.of());
                view.refresh();
            });
        }

        assertEquals(100_000, model.size(DashboardModel.REWARD_MEAN));
        XYDataset d = dataset("reward_mean");
        int raw = 1; // series 0 is the smoothed line, series 1 the raw values behind it
        int n = d.getItemCount(raw);
        assertTrue(n <= model.displayCap() && n > model.displayCap() / 4, "n=" + n);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, d.getYValue(raw, i));
            max = Math.max(max, d.getYValue(raw, i));
        }
        assertEquals(-5, min);
        assertEquals(7, max);
        assertEquals(1, d.getXValue(raw, 0));
        assertEquals(100_000, d.getXValue(raw, n - 1));
        assertTrue(d.getItemCount(0) <= model.displayCap(), "the smoothed line is capped too");
        assertTrue(dataset("loss").getItemCount(0) <= model.displayCap());
    }

    @Test
    void movingTheSmoothingSliderRedrawsTheMainLineAndLeavesTheRawOne() {
        List<StepMetrics> steps = new ArrayList<>();
        for (int s = 1; s <= 200; s++) steps.add(Steps.step(s, s % 2 == 0 ? 1 : 0)); // reward 0, 1, 0, 1, …
        frame(steps, List.of());
        XYDataset d = dataset("reward_mean");
        assertEquals(2, d.getSeriesCount(), "smoothed and raw");
        double[] raw = ys(d, 1);
        double[] before = ys(d, 0);
        assertEquals(DashboardModel.DEFAULT_SMOOTHING, lookup("#smoothing").queryAs(Slider.class).getValue());
        assertEquals(0.5, before[199], 0.3, "at 0.6 the alternating rewards average out near 0.5");

        Slider slider = lookup("#smoothing").queryAs(Slider.class);
        interact(() -> slider.setValue(0.95));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0.95, model.getSmoothing(), 1e-12);
        assertEquals("0.95", lookup("#smoothingValue").queryLabeled().getText());
        double[] after = ys(d, 0);
        assertArrayEquals(raw, ys(d, 1), "the raw series is untouched");
        // the drawn main line is the model's smoothed series at the new weight
        double[] expected = new double[200];
        for (int i = 0; i < 200; i++) expected[i] = model.smoothedY(DashboardModel.REWARD_MEAN, i);
        assertArrayEquals(expected, after);
        double swingBefore = Math.abs(before[199] - before[198]);
        double swingAfter = Math.abs(after[199] - after[198]);
        assertTrue(swingAfter < swingBefore / 3, swingBefore + " → " + swingAfter);

        interact(() -> slider.setValue(0));
        WaitForAsyncUtils.waitForFxEvents();
        assertArrayEquals(raw, ys(d, 0), "weight 0 draws the raw values");
    }

    @Test
    void theSmoothingIsKeptInThePreferences() throws Exception {
        java.util.prefs.Preferences prefs = java.util.prefs.Preferences.userRoot()
                .node("grpowb-tests/" + java.util.UUID.randomUUID());
        try {
            prefs.putDouble(DashboardView.SMOOTHING_KEY, 0.8);
            interact(() -> view.rememberSmoothingIn(prefs));
            assertEquals(0.8, model.getSmoothing());
            assertEquals(0.8, lookup("#smoothing").queryAs(Slider.class).getValue(), 1e-12);
            interact(() -> lookup("#smoothing").queryAs(Slider.class).setValue(0.25));
            assertEquals(0.25, prefs.getDouble(DashboardView.SMOOTHING_KEY, -1));
        } finally {
            prefs.removeNode();
        }
    }

    @Test
    void aSinglePointGetsReadableAxes() {
        // eval accuracy 0.25 at step 0 only, and one training step at step 1 (KL exactly 0, as at the first step)
        StepMetrics first = new StepMetrics(1, 0.2, 0.3, 0.125, 0.7, 0, 1.5, 0, 0.25, 900, 40, 0, false, 120,
                java.util.Map.of());
        frame(List.of(first), List.of(new EvalRecord(0, 0.25, 20)));
        assertRange(-1, 1, "eval_accuracy", true);           // step 0 ± 1
        assertRange(-0.05, 1.05, "eval_accuracy", false);    // a fraction: [0, 1] and the 5% margins
        assertRange(0, 2, "kl", true);                       // step 1 ± 1
        assertRange(-0.5, 0.5, "kl", false);                 // 0 ± max(0/10, 0.5)
        assertRange(1.0, 2.0, "entropy", false);             // 1.5 ± max(0.15, 0.5)
        // a large value gets a tenth of itself either side (tokens_per_s is in a row out of view here)
        assertEquals(new org.jfree.data.Range(810, 990), FlatSafeAxis.aroundValue(900, false));
        assertRange(0.2, 1.2, "loss", false);                // 0.7 ± max(0.07, 0.5)
    }

    @Test
    void aFlatSeriesGetsReadableAxesAndAVaryingOneKeepsItsOwn() {
        frame(Steps.range(1, 30), List.of());
        assertRange(-0.05, 1.05, "clip_frac", false);        // 0.02 at every step
        assertRange(0.001 - 0.5, 0.001 + 0.5, "kl", false); // 0.001 at every step, smoothed or not
        NumberAxis loss = (NumberAxis) view.viewer("loss").getChart().getXYPlot().getRangeAxis();
        // loss = 0.01·step varies: the usual auto range around 0.01 .. 0.30
        assertTrue(loss.getLowerBound() < 0.01 && loss.getLowerBound() > -0.01, "" + loss.getRange());
        assertTrue(loss.getUpperBound() > 0.30 && loss.getUpperBound() < 0.33, "" + loss.getRange());
        NumberAxis steps = (NumberAxis) view.viewer("loss").getChart().getXYPlot().getDomainAxis();
        assertTrue(steps.getLowerBound() <= 1 && steps.getUpperBound() >= 30 && steps.getUpperBound() < 32);
    }

    private void assertRange(double lo, double hi, String metric, boolean domain) {
        var plot = view.viewer(metric).getChart().getXYPlot();
        NumberAxis axis = (NumberAxis) (domain ? plot.getDomainAxis() : plot.getRangeAxis());
        String what = metric + (domain ? " steps " : " values ") + axis.getRange();
        assertEquals(lo, axis.getLowerBound(), 1e-9, what);
        assertEquals(hi, axis.getUpperBound(), 1e-9, what);
        assertTrue(axis.getRange().getLength() > 1e-6, what);
    }

    private static double[] ys(XYDataset d, int series) {
        double[] out = new double[d.getItemCount(series)];
        for (int i = 0; i < out.length; i++) out[i] = d.getYValue(series, i);
        return out;
    }

    @Test
    void csvExportRoundTrips() throws IOException {
        frame(Steps.range(1, 5), List.of(new EvalRecord(0, 0.25, 20), new EvalRecord(5, 0.5, 20)));
        Path csv = dir.resolve("metrics.csv");
        view.exportCsv(csv); // from the test thread, as a background export would
        List<String> lines = Files.readAllLines(csv);
        assertEquals(String.join(",", DashboardModel.csvColumns()), lines.get(0));
        assertEquals(1 + 6, lines.size(), "steps 0..5");
        int rewardCol = 1 + DashboardModel.METRICS.indexOf(DashboardModel.REWARD_MEAN);
        int evalCol = 1 + DashboardModel.METRICS.indexOf(DashboardModel.EVAL_ACCURACY);
        for (int s = 1; s <= 5; s++) {
            String[] cells = lines.get(1 + s).split(",", -1);
            assertEquals(DashboardModel.csvColumns().size(), cells.length);
            assertEquals(String.valueOf(s), cells[0]);
            assertEquals(Math.sin(s / 50.0), Double.parseDouble(cells[rewardCol]));
        }
        assertArrayEquals(new String[] {"0", "", "0.25"},
                new String[] {lines.get(1).split(",", -1)[0], lines.get(1).split(",", -1)[rewardCol],
                        lines.get(1).split(",", -1)[evalCol]});
        assertEquals("0.5", lines.get(6).split(",", -1)[evalCol]);
    }

    @Test
    void pngExportWritesAnImage() throws IOException {
        frame(Steps.range(1, 50), List.of());
        Path png = dir.resolve("kl.png");
        view.exportPng(DashboardModel.KL, png);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000, "size " + bytes.length);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(DashboardView.PNG_WIDTH, image.getWidth());
        assertEquals(DashboardView.PNG_HEIGHT, image.getHeight());
    }
}
