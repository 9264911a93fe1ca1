package org.grpowb.desktop.steer;

import com.fasterxml.jackson.databind.node.TextNode;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.grpowb.core.engine.Edits;

/**
 * The curriculum as boxes left to right, one per stage, the stage the run trains in outlined and marked. Each box's
 * fields edit the stage; "Apply curriculum" submits the whole section as a {@code curriculum} edit (checked first as
 * the run will check it), and a box's "Move run here" a {@code set curriculum.stage} edit.
 *
 * <p>Node ids: {@code #stageTimeline}; per stage N (from 0) {@code #stage-N}, {@code #stage-N-name},
 * {@code #stage-N-filter}, {@code #stage-N-maxNewTokens}, {@code #stage-N-advance}, {@code #stage-N-move},
 * {@code #stage-N-remove}, {@code #stage-N-add}; {@code #applyCurriculum}.
 */
public final class StageTimelineView extends BorderPane {

    private static final String BOX = "-fx-border-color: -fx-box-border; -fx-border-width: 1; -fx-border-radius: 4;"
            + " -fx-background-radius: 4; -fx-padding: 6;";
    private static final String CURRENT = "-fx-border-color: -fx-accent; -fx-border-width: 2.5; -fx-border-radius: 4;"
            + " -fx-background-radius: 4; -fx-padding: 5;";

    private final SteeringModel model;
    private final StageTimeline timeline;
    private final HBox boxes = new HBox(4);

    public StageTimelineView(SteeringModel model) {
        this.model = model;
        this.timeline = model.timeline();
        boxes.setId("stageTimeline");
        boxes.setPadding(new Insets(4));
        boxes.setAlignment(Pos.CENTER_LEFT);
        ScrollPane scroll = new ScrollPane(boxes);
        scroll.setFitToHeight(true);
        timeline.stages().addListener((ListChangeListener<StageDraft>) c -> rebuild());
        timeline.currentProperty().addListener((o, was, now) -> rebuild());
        Button apply = new Button("Apply curriculum");
        apply.setId("applyCurriculum");
        apply.setOnAction(e -> apply());
        apply.disableProperty().bind(model.liveProperty().not());
        Label title = new Label("Curriculum");
        title.setStyle("-fx-font-weight: bold;");
        Label help = new Label("filter and advance are YAML mappings, e.g. difficulty: [easy, medium] · after_steps: 20"
                + " · metric: accuracy, above: 0.6, window: 5");
        help.setStyle("-fx-opacity: 0.7;");
        HBox bar = new HBox(10, title, apply, help);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 4, 0, 4));
        setTop(bar);
        setCenter(scroll);
        rebuild();
    }

    private void rebuild() {
        boxes.getChildren().clear();
        for (int i = 0; i < timeline.stages().size(); i++) {
            if (i > 0) {
                Label arrow = new Label("→");
                arrow.setStyle("-fx-font-size: 18;");
                boxes.getChildren().add(arrow);
            }
            boxes.getChildren().add(box(i, timeline.stages().get(i)));
        }
    }

    private VBox box(int i, StageDraft stage) {
        boolean current = i == timeline.currentProperty().get();
        GridPane fields = new GridPane();
        fields.setHgap(4);
        fields.setVgap(3);
        fields.addRow(0, new Label("name"), field(i, "name", stage.nameProperty(), 110));
        fields.addRow(1, new Label("filter"), field(i, "filter", stage.filterProperty(), 200));
        fields.addRow(2, new Label("max_new_tokens"), field(i, "maxNewTokens", stage.maxNewTokensProperty(), 60));
        boolean last = i == timeline.stages().size() - 1;
        TextField advance = field(i, "advance", stage.advanceProperty(), 200);
        if (last) {
            advance.setPromptText("the last stage stays");
        }
        fields.addRow(3, new Label("advance"), advance);
        Button move = new Button("Move run here");
        move.setId("stage-" + i + "-move");
        move.disableProperty().bind(model.liveProperty().not());
        move.setOnAction(e -> model.submit(Edits.SET, Edits.set("curriculum.stage",
                TextNode.valueOf(stage.nameProperty().get().trim())), "a move to stage " + stage.nameProperty().get()));
        Button remove = new Button("Remove");
        remove.setId("stage-" + i + "-remove");
        remove.setDisable(timeline.stages().size() == 1);
        remove.setOnAction(e -> timeline.remove(i));
        Button add = new Button("+ stage after");
        add.setId("stage-" + i + "-add");
        add.setOnAction(e -> timeline.addAfter(i));
        Label head = new Label((current ? "● training here · " : "") + "stage " + (i + 1));
        head.setStyle(current ? "-fx-font-weight: bold; -fx-text-fill: -fx-accent;" : "-fx-font-weight: bold;");
        VBox box = new VBox(4, head, fields, new HBox(4, move, remove, add));
        box.setId("stage-" + i);
        box.setStyle(current ? CURRENT : BOX);
        box.setMinWidth(VBox.USE_PREF_SIZE);
        return box;
    }

    private static TextField field(int i, String name, javafx.beans.property.StringProperty value, double width) {
        TextField f = new TextField();
        f.textProperty().bindBidirectional(value);
        f.setId("stage-" + i + "-" + name);
        f.setPrefWidth(width);
        return f;
    }

    private void apply() {
        try {
            model.submit(Edits.CURRICULUM, timeline.toJson(), "the curriculum");
        } catch (IllegalArgumentException e) {
            model.statusProperty().set("the curriculum is not valid: " + e.getMessage());
        }
    }
}
