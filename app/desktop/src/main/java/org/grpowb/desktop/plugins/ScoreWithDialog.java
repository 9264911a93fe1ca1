package org.grpowb.desktop.plugins;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.Settings;
import org.grpowb.core.engine.RewardTrial;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.desktop.shell.LongWork;

/**
 * "Score with…": tries one reward on one completion before a run uses it. The completion (a stored rollout's, or
 * typed) is scored against an example of the project's data, found by id, through the engine's {@link RewardTrial}:
 * the same time box (the project's {@code reward_timeout_ms}) and the same containment as a run's scoring, off the
 * JavaFX thread. The dialog shows each score, the verdict, why the function failed if it did, and the time taken.
 * <p>
 * Node ids: {@code #scoreReward}, {@code #scoreExample}, {@code #scoreCompletion}, {@code #scoreRun},
 * {@code #scoreResult}.
 */
public final class ScoreWithDialog extends Dialog<Void> {

    private final Project project;
    private final PluginRegistry registry;
    private final LongWork work;
    /** The example a stored rollout answered, used when its id is no longer in the project's data. */
    private final Example stored;
    private final ComboBox<String> reward = new ComboBox<>();
    private final TextField exampleId = new TextField();
    private final TextArea completion = new TextArea();
    private final TextArea result = new TextArea();
    private final Button score = new Button("Score");

    /**
     * @param project  the open project: its data, its rewards' settings, its time box
     * @param registry the open project's plugins, for rewards the project does not use yet
     * @param stored   the example of the rollout the dialog opened on (its group's), or null when there is none
     * @param text     the completion to start with
     */
    public ScoreWithDialog(Project project, PluginRegistry registry, LongWork work, Example stored, String text) {
        this.project = project;
        this.registry = registry;
        this.work = work;
        this.stored = stored;
        setTitle("Score with…");
        setHeaderText("Score a completion with one reward, as a run would (time box "
                + project.training().schedule().rewardTimeoutMs() + " ms)");
        setResizable(true);
        getDialogPane().getButtonTypes().add(ButtonType.CLOSE);

        reward.getItems().setAll(registry.rewardNames());
        reward.setId("scoreReward");
        if (!project.rewards().isEmpty()) {
            reward.setValue(project.rewards().get(0).function().name());
        }
        exampleId.setId("scoreExample");
        exampleId.setText(stored == null ? "" : stored.id());
        completion.setId("scoreCompletion");
        completion.setText(text == null ? "" : text);
        completion.setPrefRowCount(4);
        completion.setWrapText(true);
        result.setId("scoreResult");
        result.setEditable(false);
        result.setPrefRowCount(5);
        result.setStyle("-fx-font-family: monospace;");
        score.setId("scoreRun");
        score.setDefaultButton(true);
        score.disableProperty().bind(reward.valueProperty().isNull());
        score.setOnAction(e -> score());

        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        grid.setPadding(new Insets(8));
        grid.addRow(0, new Label("reward"), reward);
        grid.addRow(1, new Label("example id"), exampleId);
        grid.addRow(2, new Label("completion"), completion);
        grid.addRow(3, score);
        grid.addRow(4, new Label("result"), result);
        GridPane.setHgrow(completion, Priority.ALWAYS);
        GridPane.setHgrow(result, Priority.ALWAYS);
        getDialogPane().setContent(grid);
        getDialogPane().setPrefWidth(620);
    }

    /** The result area's text: each score, the verdict and the time, or why scoring failed. */
    public String resultText() {
        return result.getText();
    }

    private void score() {
        String name = reward.getValue();
        String id = exampleId.getText().strip();
        String text = completion.getText();
        result.setText("scoring…");
        score.disableProperty().unbind();
        score.setDisable(true);
        work.submit("Scoring with " + name, new Task<RewardTrial.Result>() {
            @Override
            protected RewardTrial.Result call() {
                Example ex = example(id);
                return RewardTrial.score(List.of(choice(name)), List.of(new RewardTrial.Attempt(
                        "typed", text, ex)), project.training().schedule().rewardTimeoutMs());
            }
        }, r -> {
            result.setText(describe(r));
            rebind();
        }, failure -> {
            result.setText("not scored: " + failure.getMessage());
            rebind();
        });
    }

    private void rebind() {
        score.disableProperty().bind(reward.valueProperty().isNull());
    }

    /** The example of that id in the project's data, else the stored rollout's own when the id is its. */
    private Example example(String id) {
        Optional<Example> found = RewardTrial.example(project.data(), id);
        if (found.isPresent()) {
            return found.get();
        }
        if (stored != null && stored.id().equals(id)) {
            return stored;
        }
        throw new IllegalArgumentException("no example '" + id + "' in the project's training or held-out data");
    }

    /** The project's own configuration of the reward when it uses it, else the reward with its defaults, weight 1. */
    private Project.RewardChoice choice(String name) {
        for (Project.RewardChoice r : project.rewards()) {
            if (r.function().name().equals(name)) {
                return r;
            }
        }
        RewardFunction f = registry.reward(name);
        Settings s = Settings.resolve(f.settings(), Map.of(), "reward " + name);
        f.configure(s);
        return new Project.RewardChoice(f, 1.0, s);
    }

    /** "no_repeat = 1.000", one line a score, then the verdict, failures and the time. */
    static String describe(RewardTrial.Result r) {
        StringBuilder out = new StringBuilder();
        RewardTrial.Outcome o = r.outcomes().get(0);
        o.scores().forEach((k, v) -> out.append(String.format(Locale.ROOT, "%s = %.3f%n", k, v)));
        out.append("verdict ").append(o.verdict()).append('\n');
        o.failures().forEach((k, v) -> out.append(k).append(" failed: ").append(v).append('\n'));
        out.append(String.format(Locale.ROOT, "took %.1f ms", r.millis()));
        return out.toString();
    }
}
