package org.grpowb.desktop.dashboard;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javax.imageio.ImageIO;
import org.grpowb.desktop.shell.ChartTheme;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;

/**
 * A grid of small charts, one per {@link DashboardModel#CHARTED} metric, each drawing the model's decimated view.
 *
 * <p>The owner calls {@link #refresh()} on the FX thread once per frame after {@link DashboardModel#append}; only
 * charts whose series changed are redrawn, each once. Exports copy what they need on the FX thread and write files
 * on a background thread, so the UI thread never waits on the disk.
 *
 * <p>Each {@link DashboardModel#SMOOTHED} metric is drawn twice from one dataset: series 0 its smoothed values, the
 * main line, and series 1 its raw values in the same hue, faint, behind it (the plot draws a dataset's series last to
 * first). The toolbar's {@code #smoothing} slider sets the model's weight.
 */
public final class DashboardView extends BorderPane {
    public static final int COLUMNS = 3;
    public static final int PNG_WIDTH = 800;
    public static final int PNG_HEIGHT = 500;

    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 12);
    private static final Color LINE = new Color(0x1f, 0x77, 0xb4);
    /** The raw values behind a smoothed line: its hue, faint enough that the smoothed line reads first. */
    private static final Color RAW = new Color(0x1f, 0x77, 0xb4, 0x4c);
    private static final Color EVAL = new Color(0xd6, 0x27, 0x28);
    private static final Color BAND = new Color(0x1f, 0x77, 0xb4, 0x40);
    private static final Color EDIT = new Color(0x8e, 0x44, 0xad);
    private static final Font EDIT_FONT = new Font("SansSerif", Font.PLAIN, 10);
    /** Where {@link #rememberSmoothingIn} keeps the slider's weight. */
    public static final String SMOOTHING_KEY = "dashboard.smoothing";

    private final DashboardModel model;
    private final Map<String, Chart> charts = new LinkedHashMap<>();
    private final Label status = new Label();
    private final Slider smoothing = new Slider(0, DashboardModel.MAX_SMOOTHING, DashboardModel.DEFAULT_SMOOTHING);
    private final Label smoothingValue = new Label();
    private final ScrollPane scroll;
    private boolean refreshQueued;
    private List<EditMarker> edits = List.of();
    private final ExecutorService exporter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dashboard-export");
        t.setDaemon(true);
        return t;
    });

    /** One metric's chart and the datasets it draws (the reward chart has a second, for the ±std band). */
    private record Chart(JFreeChart chart, ChartViewer viewer, List<DecimatedDataset> datasets) { }

    public DashboardView(DashboardModel model) {
        this.model = model;
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.setPadding(new Insets(6));
        for (int c = 0; c < COLUMNS; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / COLUMNS);
            cc.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(cc);
        }
        int i = 0;
        for (String metric : DashboardModel.CHARTED) {
            Chart chart = createChart(metric);
            charts.put(metric, chart);
            grid.add(chart.viewer(), i % COLUMNS, i / COLUMNS);
            i++;
        }
        scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        // charts scrolled (or resized) into view catch up with the data they skipped while out of it; the grid's
        // place on screen changes during layout, so the catch-up runs just after it
        grid.localToSceneTransformProperty().addListener((o, was, now) -> refreshAfterLayout());
        scroll.viewportBoundsProperty().addListener((o, was, now) -> refreshAfterLayout());
        // one fill and a border, not modena's two stacked fills: the software pipeline draws a stacked background by
        // stretching a cached image over the whole pane, on every frame in which a chart changes
        scroll.setStyle("-fx-background-color: -fx-background; -fx-background-insets: 0; -fx-padding: 0;"
                + " -fx-border-width: 1; -fx-border-color: -fx-box-border;");
        setCenter(scroll);
        setTop(createToolBar());
        refresh();
    }

    /**
     * Redraws the charts whose series changed since the last call, among those in view: a chart scrolled out of the
     * dashboard keeps its data and is redrawn when it comes back (each redraw is a full canvas for the software
     * renderer, which competes with training for the cores). FX thread; O(charts × displayCap).
     */
    public void refresh() {
        for (Chart c : charts.values()) {
            if (!inView(c)) {
                continue;
            }
            pull(c);
        }
    }

    /** Refills a chart's datasets if the model changed under them, redrawing it once. */
    private void pull(Chart c) {
        boolean stale = false;
        for (DecimatedDataset d : c.datasets()) stale |= d.isStale(model);
        if (!stale) return;
        c.chart().setNotify(false);
        try {
            for (DecimatedDataset d : c.datasets()) d.pull(model);
        } finally {
            c.chart().setNotify(true); // one redraw for all datasets of this chart
        }
    }

    private void refreshAfterLayout() {
        if (!refreshQueued) {
            refreshQueued = true;
            Platform.runLater(() -> {
                refreshQueued = false;
                refresh();
            });
        }
    }

    /** Whether a chart shows in the scroll pane's viewport; true until the dashboard has been laid out on screen. */
    private boolean inView(Chart c) {
        Bounds viewport = scroll.getViewportBounds();
        if (c.viewer().getScene() == null || viewport.getWidth() <= 0 || viewport.getHeight() <= 0) {
            return true;
        }
        Bounds chart = c.viewer().localToScene(c.viewer().getLayoutBounds());
        Bounds shown = scroll.localToScene(scroll.getLayoutBounds());
        return chart.intersects(shown);
    }

    /**
     * Marks the run's applied steering edits on every chart: a dashed vertical line at the step each took effect
     * from, labelled with its edit version. Replaces the previous markers; FX thread.
     */
    public void showEdits(List<EditMarker> markers) {
        List<EditMarker> next = List.copyOf(markers);
        if (next.equals(edits)) return;
        edits = next;
        for (Chart c : charts.values()) {
            XYPlot plot = c.chart().getXYPlot();
            c.chart().setNotify(false);
            try {
                plot.clearDomainMarkers();
                for (int i = 0; i < next.size(); i++) {
                    EditMarker e = next.get(i);
                    ValueMarker m = new ValueMarker(e.step(), EDIT, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER, 1f, new float[] {4f, 3f}, 0f));
                    m.setLabel(e.label());
                    m.setLabelFont(EDIT_FONT);
                    m.setLabelPaint(EDIT);
                    m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                    m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                    m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
                    // edits a step or two apart would print their labels on top of each other: stagger them down
                    m.setLabelOffset(new RectangleInsets(2 + 11 * (i % 3), 2, 2, 2));
                    plot.addDomainMarker(0, m, Layer.FOREGROUND, false);
                }
            } finally {
                c.chart().setNotify(true);
            }
        }
    }

    /** The edit markers on show. */
    public List<EditMarker> edits() {
        return edits;
    }

    public DashboardModel model() {
        return model;
    }

    /**
     * Keeps the smoothing weight in {@code prefs} (key {@value #SMOOTHING_KEY}): applies the stored weight now and
     * stores every later change, so the next window starts with the user's choice. FX thread.
     */
    public void rememberSmoothingIn(Preferences prefs) {
        double stored = prefs.getDouble(SMOOTHING_KEY, model.getSmoothing());
        if (stored >= 0 && stored <= DashboardModel.MAX_SMOOTHING) {
            model.setSmoothing(stored);
        }
        model.smoothingProperty().addListener((o, was, now) -> prefs.putDouble(SMOOTHING_KEY, now.doubleValue()));
    }

    /** The viewer of one charted metric (its node id is {@code chart-<metric>}). */
    public ChartViewer viewer(String metric) {
        return chart(metric).viewer();
    }

    /**
     * Writes one chart as a {@value #PNG_WIDTH}×{@value #PNG_HEIGHT} PNG. Callable from any thread: the image is
     * rendered on the FX thread (the chart's only writer) and encoded on the caller's.
     */
    public void exportPng(String metric, Path file) throws IOException {
        Chart c = chart(metric);
        BufferedImage image = onFx(() -> {
            pull(c); // a chart scrolled out of view may not have drawn the latest steps yet
            return c.chart().createBufferedImage(PNG_WIDTH, PNG_HEIGHT);
        });
        if (!ImageIO.write(image, "png", file.toFile())) throw new IOException("no PNG writer available");
    }

    /**
     * Writes all stored points of all metrics as CSV (see {@link DashboardModel#toCsv}). Callable from any thread: the
     * model is copied on the FX thread and written on the caller's.
     */
    public void exportCsv(Path file) throws IOException {
        DashboardModel snapshot = onFx(model::copy);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            snapshot.toCsv(out);
        }
    }

    private Chart chart(String metric) {
        Chart c = charts.get(metric);
        if (c == null) throw new IllegalArgumentException("no chart for metric: " + metric);
        return c;
    }

    private Chart createChart(String metric) {
        boolean smoothed = model.isSmoothed(metric);
        DecimatedDataset line = new DecimatedDataset(smoothed
                ? List.of(DecimatedDataset.Source.smoothed(metric), DecimatedDataset.Source.raw(metric))
                : List.of(DecimatedDataset.Source.raw(metric)), model.displayCap());
        FlatSafeAxis steps = new FlatSafeAxis("step", FlatSafeAxis::aroundStep);
        steps.setAutoRangeIncludesZero(false);
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // no step 2.5 in a short run
        boolean fraction = DashboardModel.UNIT_INTERVAL.contains(metric);
        FlatSafeAxis values = new FlatSafeAxis(null, v -> FlatSafeAxis.aroundValue(v, fraction));
        values.setAutoRangeIncludesZero(false);
        // a nearly constant metric (clip_frac wandering by 1e-7) would otherwise get unreadable ticks
        values.setAutoRangeMinimumSize(1e-4);
        boolean sparse = metric.equals(DashboardModel.EVAL_ACCURACY); // a few evals: show the points themselves
        XYLineAndShapeRenderer renderer = new DenseLineRenderer(sparse);
        renderer.setSeriesPaint(0, sparse ? EVAL : LINE);
        renderer.setSeriesStroke(0, new BasicStroke(smoothed ? 1.6f : 1.2f));
        if (smoothed) {
            renderer.setSeriesPaint(1, RAW);
            renderer.setSeriesStroke(1, new BasicStroke(1f));
            renderer.setSeriesShapesVisible(1, false);
            // at weight 0 the smoothed line is the raw one: drawing it twice would only cost time
            renderer.setSeriesVisible(1, model.getSmoothing() > 0, false);
            model.smoothingProperty().addListener((o, was, now) ->
                    renderer.setSeriesVisible(1, now.doubleValue() > 0, false));
        }
        renderer.setDrawSeriesLineAsPath(true); // one path per series, not one stroke per segment: far fewer draw calls
        XYPlot plot = new XYPlot(line, steps, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        List<DecimatedDataset> datasets = List.of(line);
        if (metric.equals(DashboardModel.REWARD_MEAN)) {
            // the band stays raw: it shows how widely the rewards spread within each step (see SMOOTHED)
            DecimatedDataset band = DecimatedDataset.rawOf(
                    List.of(DashboardModel.REWARD_HI, DashboardModel.REWARD_LO), model.displayCap());
            plot.setDataset(1, band);
            plot.setRenderer(1, new BandRenderer(BAND)); // the default REVERSE order keeps the mean (dataset 0) on top
            datasets = List.of(line, band);
        }
        String title = metric.equals(DashboardModel.REWARD_MEAN) ? "reward_mean ± std" : metric;
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        ChartViewer viewer = new ChartViewer(chart);
        ChartTheme.follow(viewer); // AWT colours follow the window's theme
        viewer.setId("chart-" + metric);
        viewer.setPrefSize(360, 230);
        viewer.setMinSize(200, 160);
        if (viewer.getContextMenu() != null) {
            MenuItem png = new MenuItem("Save chart as PNG…");
            png.setOnAction(e -> choosePng(metric));
            MenuItem csv = new MenuItem("Save all metrics as CSV…");
            csv.setOnAction(e -> chooseCsv());
            viewer.getContextMenu().getItems().addAll(new SeparatorMenuItem(), png, csv);
        }
        return new Chart(chart, viewer, datasets);
    }

    private ToolBar createToolBar() {
        Button csv = new Button("Export CSV…");
        csv.setId("exportCsv");
        csv.setOnAction(e -> chooseCsv());
        ComboBox<String> which = new ComboBox<>();
        which.setId("pngMetric");
        which.getItems().setAll(DashboardModel.CHARTED);
        which.getSelectionModel().selectFirst();
        Button png = new Button("Export PNG…");
        png.setId("exportPng");
        png.setOnAction(e -> choosePng(which.getValue()));
        status.setId("exportStatus");

        Label smoothingLabel = new Label("Smoothing");
        smoothing.setId("smoothing");
        smoothing.setPrefWidth(140);
        smoothing.setBlockIncrement(0.05);
        smoothing.setTooltip(new Tooltip("Exponential moving average weight, as in TensorBoard: 0 shows the raw"
                + " values; the raw curve stays faint behind the smoothed one"));
        smoothingValue.setId("smoothingValue");
        smoothingValue.setMinWidth(32);
        smoothing.setValue(model.getSmoothing());
        showSmoothing(model.getSmoothing());
        smoothing.valueProperty().addListener((o, was, now) -> {
            // two decimals are all a reader can tell apart, and what the preferences keep
            double w = Math.min(DashboardModel.MAX_SMOOTHING, Math.round(now.doubleValue() * 100) / 100.0);
            model.setSmoothing(w);
        });
        model.smoothingProperty().addListener((o, was, now) -> {
            if (Math.abs(smoothing.getValue() - now.doubleValue()) >= 0.005) {
                smoothing.setValue(now.doubleValue());
            }
            showSmoothing(now.doubleValue());
            // a drag moves the slider several times a frame: re-smooth and redraw once, after it
            refreshAfterLayout();
        });
        // smoothing first, where TensorBoard has it; the export status last, as its text comes and goes
        return new ToolBar(smoothingLabel, smoothing, smoothingValue, new Separator(), csv, which, png, status);
    }

    private void showSmoothing(double w) {
        smoothingValue.setText(String.format(Locale.ROOT, "%.2f", w));
    }

    private void chooseCsv() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export metrics as CSV");
        chooser.setInitialFileName("metrics.csv");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV", "*.csv"));
        var file = chooser.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        if (file != null) inBackground(file.toPath(), () -> exportCsv(file.toPath()));
    }

    private void choosePng(String metric) {
        if (metric == null) return;
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export " + metric + " chart as PNG");
        chooser.setInitialFileName(metric + ".png");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG", "*.png"));
        var file = chooser.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        if (file != null) inBackground(file.toPath(), () -> exportPng(metric, file.toPath()));
    }

    private interface Export {
        void run() throws IOException;
    }

    private void inBackground(Path file, Export export) {
        status.setText("Saving " + file.getFileName() + "…");
        exporter.execute(() -> {
            String done;
            try {
                export.run();
                done = "Saved " + file.getFileName();
            } catch (IOException | RuntimeException e) {
                done = "Export failed: " + e.getMessage();
            }
            String text = done;
            Platform.runLater(() -> status.setText(text));
        });
    }

    /** Runs on the FX thread and returns its result; direct when already there. */
    private static <T> T onFx(Callable<T> work) throws IOException {
        try {
            if (Platform.isFxApplicationThread()) return work.call();
            FutureTask<T> task = new FutureTask<>(work);
            Platform.runLater(task);
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof UncheckedIOException io) throw io.getCause();
            if (cause instanceof RuntimeException re) throw re;
            throw new IOException(cause);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
