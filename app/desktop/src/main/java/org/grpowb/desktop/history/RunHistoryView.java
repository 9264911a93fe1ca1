package org.grpowb.desktop.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.grpowb.core.engine.RunComparison;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.store.RunStore;
import org.grpowb.desktop.history.RunComparisonModel.DiffRow;
import org.grpowb.desktop.history.RunComparisonModel.LoadedRun;
import org.grpowb.desktop.shell.ChartTheme;
import org.grpowb.desktop.shell.LongWork;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Every run in a store, and a comparison of the selected ones: their curves for one metric overlaid in one chart, and
 * a table of the config settings in which they differ followed by their end-of-run summaries.
 *
 * <p>The store is read only in {@link Task}s on one daemon thread, so loads run in the order asked and the UI thread
 * never waits on SQLite. A comparison that finishes after the selection moved on is dropped: only the newest request's
 * result is shown. {@link #loadingProperty()} is true while any load is in flight.
 */
public final class RunHistoryView extends BorderPane {

    /** A run as the list shows it: the store's row plus its last held-out accuracy (NaN when never evaluated). */
    public record RunRow(RunInfo info, double finalEvalAccuracy) { }

    private final Path storeFile;
    private final LongWork work;

    private final TableView<RunRow> runsTable = new TableView<>();
    private final ComboBox<String> compareMetric =
            new ComboBox<>(FXCollections.observableArrayList(RunComparisonModel.METRICS));
    private final XYSeriesCollection dataset = new XYSeriesCollection();
    private final JFreeChart chart;
    private final ChartViewer chartViewer;
    private final TableView<DiffRow> diffTable = new TableView<>();
    private final Label status = new Label();
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading", false);

    private int inFlight;
    /** Bumped on every comparison request; a finished load whose number is stale is ignored. */
    private long compareGeneration;
    private boolean selecting;
    private List<LoadedRun> compared = List.of();
    private java.util.function.LongConsumer onOpen = id -> { };

    /** A history with its own background work, not shown in any status bar. */
    public RunHistoryView(Path storeFile) {
        this(storeFile, new LongWork());
    }

    /** @param work where reading the store runs, so that a large run's loading shows progress and can be cancelled */
    public RunHistoryView(Path storeFile, LongWork work) {
        this.work = Objects.requireNonNull(work, "work");
        this.storeFile = Objects.requireNonNull(storeFile, "storeFile").toAbsolutePath();
        setId("runHistory");

        runsTable.setId("runsTable");
        runsTable.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        runsTable.setPlaceholder(new Label("No runs in this store"));
        runsTable.getColumns().add(column("id", r -> Long.toString(r.info().id())));
        runsTable.getColumns().add(column("variant", r -> r.info().variant()));
        runsTable.getColumns().add(column("status", r -> r.info().status()));
        runsTable.getColumns().add(column("steps", r -> Integer.toString(r.info().lastStep())));
        runsTable.getColumns().add(column("created", r -> r.info().createdAt()));
        runsTable.getColumns().add(column("final eval accuracy",
                r -> RunComparisonModel.format(r.finalEvalAccuracy())));
        runsTable.getColumns().forEach(c -> c.setSortable(false));
        runsTable.getSelectionModel().getSelectedItems().addListener((ListChangeListener<RunRow>) c -> {
            if (!selecting) {
                compareSelected();
            }
        });

        runsTable.setRowFactory(t -> {
            javafx.scene.control.TableRow<RunRow> row = new javafx.scene.control.TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    onOpen.accept(row.getItem().info().id());
                }
            });
            return row;
        });

        compareMetric.setId("compareMetric");
        compareMetric.getSelectionModel().select("reward_mean");
        compareMetric.valueProperty().addListener((obs, old, now) -> redrawChart());

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        NumberAxis steps = new NumberAxis("step");
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis values = new NumberAxis();
        values.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(dataset, steps, values, renderer);
        chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chartViewer = new ChartViewer(chart);
        ChartTheme.follow(chartViewer); // AWT colours follow the window's theme
        chartViewer.setId("compareChart");
        chartViewer.setMinHeight(200);

        diffTable.setId("diffTable");
        diffTable.setPlaceholder(new Label("Select runs to compare"));

        status.setId("historyStatus");

        HBox bar = new HBox(8, new Label("Metric"), compareMetric, status);
        bar.setPadding(new Insets(4));
        VBox.setVgrow(chartViewer, Priority.ALWAYS);
        VBox chartPane = new VBox(bar, chartViewer);
        SplitPane compare = new SplitPane(chartPane, diffTable);
        compare.setOrientation(Orientation.VERTICAL);
        SplitPane root = new SplitPane(runsTable, compare);
        root.setOrientation(Orientation.VERTICAL);
        root.setDividerPositions(0.3);
        setCenter(root);
    }

    /** What a double-click on a run does (the window opens it on the dashboard and in the inspector). */
    public void setOnOpen(java.util.function.LongConsumer onOpen) {
        this.onOpen = onOpen;
    }

    /** True while the run list or a comparison is being read from the store. */
    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** Re-reads the run list in the background; the selection is kept for runs still present. */
    public void reload() {
        List<Long> keep = selectedRunIds();
        run("Reading the run history", new Task<List<RunRow>>() {
            @Override
            protected List<RunRow> call() {
                if (!Files.exists(storeFile)) {
                    return List.of(); // no runs yet; reading must not create a store (nor write into a read-only place)
                }
                try (RunStore store = RunStore.open(storeFile)) {
                    List<RunRow> rows = new ArrayList<>();
                    for (RunInfo run : store.runs()) {
                        List<EvalRecord> evals = store.evals(run.id());
                        rows.add(new RunRow(run,
                                evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).accuracy()));
                    }
                    return rows;
                }
            }
        }, rows -> {
            selecting = true;
            try {
                runsTable.getItems().setAll(rows);
                selectIds(keep);
            } finally {
                selecting = false;
            }
            status.setText(rows.size() + (rows.size() == 1 ? " run" : " runs"));
            compareSelected();
        });
    }

    /** The ids of the selected runs, in table order. */
    public List<Long> selectedRunIds() {
        return runsTable.getSelectionModel().getSelectedItems().stream().map(r -> r.info().id()).toList();
    }

    /** Selects exactly these runs (ids not in the list are ignored) and compares them. Call on the FX thread. */
    public void select(long... runIds) {
        List<Long> ids = new ArrayList<>();
        for (long id : runIds) {
            ids.add(id);
        }
        selecting = true;
        try {
            selectIds(ids);
        } finally {
            selecting = false;
        }
        compareSelected();
    }

    /** The runs shown in the comparison, in table order. */
    public List<LoadedRun> comparedRuns() {
        return compared;
    }

    private void selectIds(List<Long> ids) {
        runsTable.getSelectionModel().clearSelection();
        List<RunRow> items = runsTable.getItems();
        for (int i = 0; i < items.size(); i++) {
            if (ids.contains(items.get(i).info().id())) {
                runsTable.getSelectionModel().select(i);
            }
        }
    }

    private void compareSelected() {
        long generation = ++compareGeneration;
        List<RunInfo> runs = runsTable.getSelectionModel().getSelectedItems().stream().map(RunRow::info).toList();
        if (runs.isEmpty()) {
            show(List.of());
            return;
        }
        run("Loading " + runs.size() + (runs.size() == 1 ? " run" : " runs"), new Task<List<LoadedRun>>() {
            @Override
            protected List<LoadedRun> call() {
                try (RunStore store = RunStore.open(storeFile)) {
                    List<LoadedRun> loaded = new ArrayList<>();
                    for (RunInfo run : runs) {
                        if (isCancelled()) {
                            break;
                        }
                        updateMessage("run " + run.id() + " (" + (loaded.size() + 1) + " of " + runs.size() + ")");
                        updateProgress(loaded.size(), runs.size());
                        List<StepMetrics> metrics = store.metrics(run.id());
                        double wallSeconds = metrics.stream().mapToDouble(StepMetrics::wallMs).sum() / 1000.0;
                        loaded.add(new LoadedRun(run, metrics,
                                RunComparison.of(run.variant(), store, run.id(), wallSeconds)));
                    }
                    return loaded;
                }
            }
        }, loaded -> {
            if (generation == compareGeneration) {
                show(loaded);
            }
        });
    }

    private void show(List<LoadedRun> runs) {
        compared = List.copyOf(runs);
        redrawChart();
        diffTable.getColumns().clear();
        if (runs.isEmpty()) {
            diffTable.getItems().clear();
            return;
        }
        TableColumn<DiffRow, String> key = new TableColumn<>("setting");
        key.setCellValueFactory(c -> new ReadOnlyStringWrapper(
                (c.getValue().kind() == RunComparisonModel.RowKind.RESULT ? "▸ " : "") + c.getValue().key()));
        key.setPrefWidth(220);
        diffTable.getColumns().add(key);
        for (int i = 0; i < runs.size(); i++) {
            int index = i;
            TableColumn<DiffRow, String> col = new TableColumn<>(runs.get(i).label());
            col.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().values().get(index)));
            col.setSortable(false);
            diffTable.getColumns().add(col);
        }
        diffTable.getItems().setAll(RunComparisonModel.diffRows(runs));
    }

    private void redrawChart() {
        String metric = compareMetric.getValue();
        chart.setNotify(false);
        try {
            dataset.removeAllSeries();
            for (LoadedRun run : compared) {
                XYSeries series = new XYSeries(run.label(), true, false);
                for (StepMetrics m : run.metrics()) {
                    double v = RunComparisonModel.value(m, metric);
                    if (Double.isFinite(v)) { // a skipped update's NaN loss is a gap, not a zero
                        series.add(m.step(), v, false);
                    }
                }
                dataset.addSeries(series);
            }
            ((XYPlot) chart.getPlot()).getRangeAxis().setLabel(metric);
        } finally {
            chart.setNotify(true);
        }
    }

    private <T> void run(String title, Task<T> task, java.util.function.Consumer<T> onSuccess) {
        inFlight++;
        loading.set(true);
        work.submit(title, task, value -> {
            try {
                onSuccess.accept(value);
            } finally {
                done();
            }
        }, failure -> {
            if (!(failure instanceof java.util.concurrent.CancellationException)) {
                status.setText("Cannot read " + storeFile.getFileName() + ": "
                        + (failure == null ? "unknown error" : failure.getMessage()));
            }
            done();
        });
    }

    private void done() {
        inFlight--;
        loading.set(inFlight > 0);
    }

    private static TableColumn<RunRow, String> column(String name, Function<RunRow, String> value) {
        TableColumn<RunRow, String> c = new TableColumn<>(name);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(value.apply(f.getValue())));
        return c;
    }
}
