package org.grpowb.desktop.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.grpowb.api.SettingSpec;

/**
 * A form over a {@link RunConfigModel}: sections Variant, Rewards and Training, one row per setting (name, editor,
 * error). An invalid editor gets a red border and its message as tooltip and beside it; {@code #configErrors}
 * counts the invalid settings. Each editor's id is {@code cfg-<path>}, e.g. {@code cfg-training.group_size}; the dot
 * makes that id unusable in a CSS selector, so look editors up with {@link #editor(String)} or by id predicate.
 */
public final class RunConfigView extends BorderPane {

    static final String INVALID_STYLE = "-fx-border-color: #d32f2f; -fx-border-width: 1.5;";

    private final RunConfigModel model;
    private final GridPane variantGrid = grid();
    private final Map<String, Control> editors = new HashMap<>();

    public RunConfigView(RunConfigModel model) {
        this.model = model;

        Label summary = new Label();
        summary.setId("configErrors");
        summary.setStyle("-fx-text-fill: #d32f2f;");
        summary.textProperty().bind(Bindings.createStringBinding(() -> summary(model.invalidCount()),
                model.invalidCountProperty()));

        fillVariant();
        model.variantSettings().addListener((ListChangeListener<RunConfigModel.Entry>) c -> fillVariant());

        GridPane rewards = grid();
        fill(rewards, model.rewardWeights(), 0);
        GridPane training = grid();
        fill(training, model.training(), 0);

        VBox sections = new VBox(6, section(RunConfigModel.VARIANT, variantGrid),
                section(RunConfigModel.REWARDS, rewards), section(RunConfigModel.TRAINING, training));
        sections.setPadding(new Insets(6));
        ScrollPane scroll = new ScrollPane(sections);
        scroll.setFitToWidth(true);

        BorderPane.setMargin(summary, new Insets(6));
        setTop(summary);
        setCenter(scroll);
    }

    /** "" when all is well, otherwise e.g. "2 invalid settings". */
    static String summary(int invalid) {
        return invalid == 0 ? "" : invalid + (invalid == 1 ? " invalid setting" : " invalid settings");
    }

    public static String editorId(String path) {
        return "cfg-" + path;
    }

    /** The editor of the entry at a dotted path, or null while it is not shown. */
    public Node editor(String path) {
        return editors.get(path);
    }

    public RunConfigModel model() {
        return model;
    }

    private void fillVariant() {
        variantGrid.getChildren().clear();
        editors.keySet().removeIf(p -> p.startsWith("variant."));
        addRow(variantGrid, 0, model.variantName());
        fill(variantGrid, model.variantSettings(), 1);
    }

    private static TitledPane section(String title, GridPane grid) {
        TitledPane p = new TitledPane(title, grid);
        p.setId("cfgSection-" + title);
        return p;
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(4);
        ColumnConstraints name = new ColumnConstraints();
        name.setMinWidth(160);
        ColumnConstraints editor = new ColumnConstraints();
        editor.setPrefWidth(200);
        ColumnConstraints error = new ColumnConstraints();
        error.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(name, editor, error);
        return g;
    }

    private void fill(GridPane grid, List<RunConfigModel.Entry> entries, int firstRow) {
        int row = firstRow;
        for (RunConfigModel.Entry e : entries) {
            addRow(grid, row++, e);
        }
    }

    private void addRow(GridPane grid, int row, RunConfigModel.Entry e) {
        Label name = new Label(e.spec().name());
        if (e.spec().description() != null) {
            name.setTooltip(new Tooltip(e.spec().description()));
        }
        Control editor = editorFor(e);
        editor.setId(editorId(e.path()));
        editors.put(e.path(), editor);
        editor.setMaxWidth(Double.MAX_VALUE);

        Label error = new Label();
        error.setId(editorId(e.path()) + "-error");
        error.setStyle("-fx-text-fill: #d32f2f;");
        error.setWrapText(true);
        Tooltip tip = new Tooltip();
        Runnable mark = () -> {
            String msg = e.error();
            error.setText(msg == null ? "" : msg);
            editor.setStyle(msg == null ? "" : INVALID_STYLE);
            tip.setText(msg);
            editor.setTooltip(msg == null ? null : tip);
        };
        // The listener lives as long as the entry; a replaced variant's entries are dropped with their rows.
        e.errorProperty().addListener((obs, was, now) -> mark.run());
        mark.run();
        grid.addRow(row, name, editor, error);
    }

    private static Control editorFor(RunConfigModel.Entry e) {
        SettingSpec spec = e.spec();
        return switch (spec.kind()) {
            case CHOICE -> {
                ComboBox<String> box = new ComboBox<>();
                box.getItems().setAll(spec.choices());
                box.setValue(e.textProperty().get());
                box.valueProperty().addListener((obs, was, now) -> e.textProperty().set(now));
                yield box;
            }
            case FLAG -> {
                CheckBox box = new CheckBox();
                box.setSelected(Boolean.parseBoolean(e.textProperty().get()));
                box.selectedProperty().addListener((obs, was, now) -> e.textProperty().set(String.valueOf(now)));
                yield box;
            }
            default -> {
                TextField field = new TextField();
                field.textProperty().bindBidirectional(e.textProperty());
                yield field;
            }
        };
    }
}
