package org.grpowb.desktop.run;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The status bar: the run's step and state on the left, then whatever the window puts beside it (the long-work
 * indicator), and on the right the run's tokens/s and progress. Everything is bound to the {@link RunSession}.
 * <p>
 * Node ids: {@code #statusStep}, {@code #statusThroughput}, {@code #progress}.
 */
public final class RunStatusBar extends HBox {

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
        getChildren().setAll(step, beside, grow, throughput, progress);
        getStyleClass().add("status-bar");
        setStyle("-fx-padding: 3 8 3 8;");
    }
}
