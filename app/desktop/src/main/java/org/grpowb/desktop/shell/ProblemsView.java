package org.grpowb.desktop.shell;

import java.util.function.Consumer;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;

/**
 * The problems list. A problem that names a file opens it at its line on a double-click or Enter, through the opener
 * the window supplies.
 */
public final class ProblemsView extends ListView<Problem> {

    private Consumer<Problem> opener = p -> { };

    public ProblemsView() {
        setId("problems");
        setPlaceholder(new Label("No problems"));
        setCellFactory(v -> new ProblemCell());
        setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                openSelected();
            }
        });
        setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                openSelected();
            }
        });
    }

    public void setOpener(Consumer<Problem> opener) {
        this.opener = opener;
    }

    public void add(Problem problem) {
        getItems().add(problem);
    }

    private void openSelected() {
        Problem p = getSelectionModel().getSelectedItem();
        if (p != null && p.openable()) {
            opener.accept(p);
        }
    }

    private static final class ProblemCell extends ListCell<Problem> {
        @Override
        protected void updateItem(Problem p, boolean empty) {
            super.updateItem(p, empty);
            if (empty || p == null) {
                setText(null);
                setTooltip(null);
                getStyleClass().remove("openable-problem");
                return;
            }
            setText((p.openable() ? "⚠ " : "✖ ") + p.message());
            if (p.openable()) {
                if (!getStyleClass().contains("openable-problem")) {
                    getStyleClass().add("openable-problem");
                }
                setTooltip(new Tooltip("Double-click to open " + p.file().getFileName()
                        + (p.line() > 0 ? " at line " + p.line() : "")));
            } else {
                getStyleClass().remove("openable-problem");
                setTooltip(null);
            }
        }
    }
}
