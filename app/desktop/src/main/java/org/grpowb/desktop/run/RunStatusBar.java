package org.grpowb.desktop.run;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The status bar: the run's step and state on the left, then whatever the window puts beside it (the long-work
 * indicator), and on the right the compute device, the run's tokens/s and progress. The run's parts are bound to the
 * {@link RunSession}; the device is told once it is known ({@link #device}).
 * <p>
 * Node ids: {@code #statusStep}, {@code #statusDevice}, {@code #statusThroughput}, {@code #progress}.
 */
public final class RunStatusBar extends HBox {

    private final Label device = new Label("device: …");

    public RunStatusBar(RunSession session, Node beside) {
        super(12);
        Label step = new Label();
        Label throughput = new Label();
        ProgressBar progress = new ProgressBar(0);
        step.setId("statusStep");
        throughput.setId("statusThroughput");
        progress.setId("progress");
        step.textProperty().bind(Bindings.createStringBinding(() ->
                        session.stateProperty().get() == RunSession.State.IDLE ? "idle"
                                : "step " + session.stepProperty().get() + "/" + session.totalStepsProperty().get()
                                + "  " + session.stateProperty().get().name().toLowerCase(Locale.ROOT),
                session.stepProperty(), session.totalStepsProperty(), session.stateProperty()));
        throughput.textProperty().bind(Bindings.createStringBinding(() ->
                        session.stateProperty().get() == RunSession.State.IDLE ? ""
                                : String.format("%,.0f tokens/s", session.tokensPerSProperty().get()),
                session.stateProperty(), session.tokensPerSProperty()));
        progress.progressProperty().bind(Bindings.createDoubleBinding(() ->
                        session.totalStepsProperty().get() == 0 ? 0.0
                                : session.stepProperty().get() / (double) session.totalStepsProperty().get(),
                session.stepProperty(), session.totalStepsProperty()));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        device.setId("statusDevice");
        device.setMinWidth(0);
        device.setMaxWidth(560);
        device.setStyle("-fx-text-fill: -fx-mid-text-color;");
        getChildren().setAll(step, beside, grow, device, throughput, progress);
        getStyleClass().add("status-bar");
        setStyle("-fx-padding: 3 8 3 8;");
    }

    /**
     * Shows the device runs train on, e.g. {@code cpu (no CUDA natives in this build …)}; the whole line is in the
     * tooltip when the bar cuts it.
     */
    public void device(String line) {
        device.setText("device: " + line);
        device.setTooltip(new Tooltip(line));
    }
}
