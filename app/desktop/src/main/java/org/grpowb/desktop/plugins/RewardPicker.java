package org.grpowb.desktop.plugins;

import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;

/**
 * The rewards a run could use but the project does not yet: every reward the open project's registry knows (the
 * bundled ones and those its trusted plugins provide) that {@code project.yaml} does not name, with a weight and Add,
 * which writes the reward into the project file. A plugin dropped and trusted shows its rewards here at once.
 * <p>
 * Node ids: {@code #rewardChoice}, {@code #rewardWeight}, {@code #addReward}, {@code #rewardPickerError}.
 */
public final class RewardPicker extends HBox {

    private final ComboBox<String> choice = new ComboBox<>();
    private final TextField weight = new TextField("1.0");
    private final Label error = new Label();

    /** @param add adds the reward of that name with that weight to the project file (then re-opens it) */
    public RewardPicker(Project project, PluginRegistry registry, BiConsumer<String, Double> add) {
        super(8);
        Set<String> used = project.rewards().stream().map(r -> r.function().name()).collect(Collectors.toSet());
        List<String> available = registry.rewardNames().stream().filter(n -> !used.contains(n)).toList();
        choice.getItems().setAll(available);
        choice.setId("rewardChoice");
        choice.setPromptText(available.isEmpty() ? "every known reward is in use" : "a reward");
        choice.setPrefWidth(200);
        weight.setId("rewardWeight");
        weight.setPrefColumnCount(5);
        Button addButton = new Button("Add to project.yaml");
        addButton.setId("addReward");
        addButton.disableProperty().bind(choice.valueProperty().isNull());
        error.setId("rewardPickerError");
        error.setStyle("-fx-text-fill: #d32f2f;");
        addButton.setOnAction(e -> {
            double w;
            try {
                w = Double.parseDouble(weight.getText().strip());
            } catch (NumberFormatException ex) {
                error.setText("weight: '" + weight.getText() + "' is not a number");
                return;
            }
            if (!Double.isFinite(w)) {
                error.setText("weight: must be a finite number");
                return;
            }
            error.setText("");
            add.accept(choice.getValue(), w);
        });
        getChildren().addAll(new Label("Add a reward"), choice, new Label("weight"), weight, addButton, error);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(6));
        setId("rewardPicker");
    }

    /** The rewards offered: known to the registry, not yet in the project. */
    public List<String> available() {
        return List.copyOf(choice.getItems());
    }
}
