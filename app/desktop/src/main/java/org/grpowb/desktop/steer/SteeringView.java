package org.grpowb.desktop.steer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.grpowb.core.engine.Edits;
import org.grpowb.core.plugin.SteeringChoices;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.EditRecord;
import org.grpowb.desktop.shell.LongWork;

/**
 * The Steering tab: the run's knobs along the top, the curriculum timeline under them, the hint editor, and the edit
 * log and per-prompt table side by side. Without a live run it shows the project and the last run read-only and says
 * to start one.
 *
 * <p>Node ids: {@code #steerHeader}, {@code #steerStatus}, {@code #knobPolicy}/{@code #applyPolicy},
 * {@code #knobSampler}/{@code #applySampler}, {@code #knobLearningRate}/{@code #applyLearningRate},
 * {@code #knobTemperature}/{@code #applyTemperature}, {@code #editLog}, {@code #promptTable}, {@code #onlyStuck},
 * {@code #refreshPrompts}; the hint editor's and the timeline's own.
 */
public final class SteeringView extends BorderPane {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SteeringModel model;
    private final HintEditor hints;
    private final ComboBox<String> policy = new ComboBox<>();
    private final ComboBox<String> sampler = new ComboBox<>();
    /** The samplers and policies the knobs offer: the built-ins until a project is shown, then the project's. */
    private SteeringChoices choices = SteeringChoices.builtIn();
    private final TextField learningRate = new TextField();
    private final TextField temperature = new TextField();
    private final TableView<EditRecord> editLog = new TableView<>();
    private final TableView<PromptStats.Row> promptTable = new TableView<>();
    private final CheckBox onlyStuck = new CheckBox("only prompts stuck at zero advantage (last "
            + PromptStats.STUCK_AFTER + "+ visits)");

    public SteeringView(SteeringModel model, LongWork work) {
        this.model = model;
        this.hints = new HintEditor(model, work);
        setId("steering");

        Label header = new Label();
        header.setId("steerHeader");
        header.setStyle("-fx-font-weight: bold;");
        header.textProperty().bind(Bindings.createStringBinding(() -> model.liveProperty().get()
                        ? "Steering run " + model.runIdProperty().get() + " at step " + model.stepProperty().get()
                        + " · edit version " + model.versionProperty().get()
                        + " · edits apply at the next step"
                        : model.runIdProperty().get() >= 0
                        ? "Run " + model.runIdProperty().get() + " is not training (read-only): start a run to steer it"
                        : "No run: start a run to steer it",
                model.liveProperty(), model.runIdProperty(), model.stepProperty(), model.versionProperty()));
        StageTimelineView timeline = new StageTimelineView(model);
        timeline.setMinHeight(BorderPane.USE_PREF_SIZE);
        VBox top = new VBox(4, header, knobs(), timeline);
        top.setPadding(new Insets(6, 6, 0, 6));

        SplitPane centre = new SplitPane(hints, logs());
        centre.setDividerPositions(0.52);

        Label status = new Label();
        status.setId("steerStatus");
        status.textProperty().bind(model.statusProperty());
        status.setWrapText(true);
        status.setPadding(new Insets(3, 6, 3, 6));

        setTop(top);
        setCenter(centre);
        setBottom(status);
        model.projectProperty().addListener((o, was, p) -> showKnobs(p));
        showKnobs(model.projectProperty().get());
        promptTable.setOnMouseClicked(e -> {
            PromptStats.Row row = promptTable.getSelectionModel().getSelectedItem();
            if (e.getClickCount() == 2 && row != null) {
                hints.select(row.promptId());
            }
        });
    }

    public SteeringModel model() {
        return model;
    }

    public HintEditor hints() {
        return hints;
    }

    private Node knobs() {
        policy.setId("knobPolicy");
        policy.setCellFactory(v -> new ChoiceCell(n -> SteeringChoices.find(choices.hintPolicies(), n).orElse(null)));
        sampler.setId("knobSampler");
        sampler.setCellFactory(v -> new ChoiceCell(n -> SteeringChoices.find(choices.samplers(), n).orElse(null)));
        offer(SteeringChoices.builtIn());
        learningRate.setId("knobLearningRate");
        learningRate.setPrefColumnCount(7);
        temperature.setId("knobTemperature");
        temperature.setPrefColumnCount(4);
        FlowPane row = new FlowPane(14, 4,
                knob("Hint policy", policy, "applyPolicy", () -> TextNode.valueOf(policy.getValue()),
                        "hints.policy"),
                knob("Prompt sampler", sampler, "applySampler", () -> TextNode.valueOf(sampler.getValue()),
                        "curriculum.sampler"),
                knob("Learning rate", learningRate, "applyLearningRate", () -> number(learningRate, "learning rate"),
                        "training.learning_rate"),
                knob("Temperature", temperature, "applyTemperature", () -> number(temperature, "temperature"),
                        "training.temperature"));
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private HBox knob(String title, Node input, String id, java.util.function.Supplier<JsonNode> value, String key) {
        Button apply = new Button("Apply");
        apply.setId(id);
        apply.disableProperty().bind(model.liveProperty().not());
        apply.setOnAction(e -> {
            try {
                JsonNode v = value.get();
                model.submit(Edits.SET, Edits.set(key, v), key + " = " + v.asText());
            } catch (IllegalArgumentException bad) {
                model.statusProperty().set(bad.getMessage());
            }
        });
        HBox box = new HBox(4, new Label(title), input, apply);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static JsonNode number(TextField field, String what) {
        try {
            return DoubleNode.valueOf(Double.parseDouble(field.getText().trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, got '" + field.getText() + "'");
        }
    }

    private void showKnobs(Project p) {
        if (p == null) {
            return;
        }
        // the built-ins and what the project's trusted plugins provide, as the run may switch to them
        offer(p.steering());
        policy.setValue(p.hints().policy());
        sampler.setValue(p.curriculum().sampler());
        learningRate.setText(String.valueOf(p.training().optimisation().learningRate()));
        temperature.setText(String.valueOf(p.training().sampling().temperature()));
    }

    private void offer(SteeringChoices next) {
        choices = next;
        policy.getItems().setAll(next.hintPolicyNames());
        sampler.getItems().setAll(next.samplerNames());
    }

    private Node logs() {
        editLog.setId("editLog");
        editLog.setItems(model.edits());
        editLog.setPlaceholder(new Label("no edits yet"));
        editLog.getColumns().setAll(List.of(
                column("#", 30, e -> String.valueOf(e.id())),
                column("what", 260, SteeringView::summary),
                statusColumn(),
                column("step", 48, e -> e.step() == null ? "" : String.valueOf(e.step())),
                column("version", 60, e -> e.version() == null ? "" : "v" + e.version()),
                column("reason", 160, e -> e.reason() == null ? "" : e.reason())));
        editLog.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        editLog.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(EditRecord item, boolean empty) {
                super.updateItem(item, empty);
                setTooltip(item == null || empty ? null : new javafx.scene.control.Tooltip(item.payloadJson()
                        + (item.reason() == null ? "" : "\n" + item.reason())));
            }
        });

        promptTable.setId("promptTable");
        promptTable.setPlaceholder(new Label("no prompt visited yet"));
        FilteredList<PromptStats.Row> rows = new FilteredList<>(model.prompts());
        rows.predicateProperty().bind(Bindings.createObjectBinding(() -> onlyStuck.isSelected()
                ? PromptStats.Row::stuck : r -> true, onlyStuck.selectedProperty()));
        promptTable.setItems(rows);
        promptTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<PromptStats.Row, String> spark = promptColumn("by visit", 100,
                PromptStats.Row::sparkline);
        spark.setStyle("-fx-font-family: monospace;");
        promptTable.getColumns().setAll(List.of(
                promptColumn("prompt", 90, PromptStats.Row::promptId),
                promptColumn("visits", 48, r -> String.valueOf(r.visits())),
                promptColumn("last tier", 60, r -> String.valueOf(r.lastTier())),
                promptColumn("success", 58, r -> Double.isNaN(r.successRate()) ? "–"
                        : String.format(Locale.ROOT, "%.0f%%", 100 * r.successRate())),
                spark,
                promptColumn("zero-adv run", 85, r -> String.valueOf(r.zeroStreak()))));
        onlyStuck.setId("onlyStuck");
        Button refresh = new Button("Refresh");
        refresh.setId("refreshPrompts");
        refresh.setOnAction(e -> model.refreshPrompts());
        Label count = new Label();
        count.textProperty().bind(Bindings.size(rows).asString("%d prompts · double-click one to edit its hints"));
        count.setStyle("-fx-opacity: 0.7;");
        FlowPane bar = new FlowPane(8, 4, onlyStuck, refresh, count);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4));
        VBox prompts = new VBox(bar, promptTable);
        VBox.setVgrow(promptTable, Priority.ALWAYS);

        TabPane tabs = new TabPane(tab("Edit log", editLog), tab("Prompts", prompts));
        tabs.setId("steerTabs");
        return tabs;
    }

    /** One line of what an edit changes. */
    static String summary(EditRecord e) {
        try {
            JsonNode p = JSON.readTree(e.payloadJson());
            return switch (e.kind()) {
                case Edits.SET -> p.path("key").asText() + " = " + (p.path("value").isValueNode()
                        ? p.path("value").asText() : p.path("value").toString());
                case Edits.HINTS -> {
                    List<String> ids = new java.util.ArrayList<>();
                    p.path("hints").fieldNames().forEachRemaining(ids::add);
                    yield ids.size() == 1 ? "hints of " + ids.get(0) + " (" + p.path("hints").get(ids.get(0)).size()
                            + " tiers)" : "hints of " + ids.size() + " problems";
                }
                case Edits.CURRICULUM -> {
                    List<String> names = new java.util.ArrayList<>();
                    p.path("stages").forEach(s -> names.add(s.path("name").asText()));
                    yield "curriculum " + p.path("sampler").asText("uniform") + ": " + String.join(" → ", names);
                }
                default -> e.payloadJson();
            };
        } catch (java.io.IOException | RuntimeException bad) {
            return e.payloadJson();
        }
    }

    private static TableColumn<EditRecord, String> statusColumn() {
        TableColumn<EditRecord, String> c = column("status", 70, EditRecord::status);
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                setStyle(EditRecord.REFUSED.equals(item) ? "-fx-text-fill: #c0392b; -fx-font-weight: bold;"
                        : EditRecord.APPLIED.equals(item) ? "-fx-text-fill: #1e8449;" : "");
            }
        });
        return c;
    }

    private static Tab tab(String title, Node content) {
        Tab t = new Tab(title, content);
        t.setClosable(false);
        t.setId("steer-" + title.toLowerCase(Locale.ROOT).replace(' ', '-'));
        return t;
    }

    private static TableColumn<EditRecord, String> column(String title, double width,
                                                          Function<EditRecord, String> value) {
        TableColumn<EditRecord, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setMinWidth(Math.min(width, 60));
        return c;
    }

    private static TableColumn<PromptStats.Row, String> promptColumn(String title, double width,
                                                                     Function<PromptStats.Row, String> value) {
        TableColumn<PromptStats.Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setMinWidth(Math.min(width, 48));
        return c;
    }
}
