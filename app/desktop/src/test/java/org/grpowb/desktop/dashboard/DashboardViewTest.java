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
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
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
        int n = d.getItemCount(0);
        assertTrue(n <= model.displayCap() && n > model.displayCap() / 4, "n=" + n);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, d.getYValue(0, i));
            max = Math.max(max, d.getYValue(0, i));
        }
        assertEquals(-5, min);
        assertEquals(7, max);
        assertEquals(1, d.getXValue(0, 0));
        assertEquals(100_000, d.getXValue(0, n - 1));
        assertTrue(dataset("loss").getItemCount(0) <= model.displayCap());
    }

    @Test
    void csvExportRoundTrips() throws IOException {
        frame(Steps.range(1, 5), List.of(new EvalRecord(0, 0.25, 20), new EvalRecord(5, 0.5, 20)));
        Path csv = dir.resolve("metrics.csv");
        view.exportCsv(csv); // from the test thread, as a background export would
        List<String> lines = Files.readAllLines(csv);
        assertEquals("step," + String.join(",", DashboardModel.METRICS), lines.get(0));
        assertEquals(1 + 6, lines.size(), "steps 0..5");
        int rewardCol = 1 + DashboardModel.METRICS.indexOf(DashboardModel.REWARD_MEAN);
        int evalCol = 1 + DashboardModel.METRICS.indexOf(DashboardModel.EVAL_ACCURACY);
        for (int s = 1; s <= 5; s++) {
            String[] cells = lines.get(1 + s).split(",", -1);
            assertEquals(1 + DashboardModel.METRICS.size(), cells.length);
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
