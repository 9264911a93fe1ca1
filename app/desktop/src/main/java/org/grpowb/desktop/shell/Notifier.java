package org.grpowb.desktop.shell;

import javafx.animation.PauseTransition;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.util.Duration;
import org.controlsfx.control.NotificationPane;

/**
 * Notifications inside the window (a bar that slides in over the editors) rather than pop-up windows, so they never
 * steal focus from the user's work and they stay on the window they concern. Each hides itself after a while; a newer
 * one replaces an older one.
 */
public final class Notifier {

    private static final Duration SHOWN_FOR = Duration.seconds(8);

    private final NotificationPane pane;
    private final PauseTransition hide = new PauseTransition(SHOWN_FOR);

    public Notifier(Node content) {
        pane = new NotificationPane(content);
        pane.setId("notifications");
        pane.setShowFromTop(false); // from the bottom: the editor tabs stay reachable while it shows
        hide.setOnFinished(e -> pane.hide());
    }

    /** The node to put in the window in place of the content. */
    public NotificationPane node() {
        return pane;
    }

    public void info(String text) {
        show(text, "info");
    }

    /** An error the user should notice; its details are in the problems list. */
    public void error(String text) {
        show(text, "error");
    }

    private void show(String text, String kind) {
        pane.getStyleClass().removeAll("notification-info", "notification-error");
        pane.getStyleClass().add("notification-" + kind);
        Label mark = new Label("error".equals(kind) ? "✖" : "ℹ");
        // an inline colour wins over both themes' label colour: the mark says error or information in either
        mark.setStyle("-fx-text-fill: " + ("error".equals(kind) ? "#e53935" : "#3574f0") + "; -fx-font-weight: bold;");
        pane.setGraphic(mark);
        if (pane.isShowing()) {
            pane.setText(text);
        } else {
            pane.show(text);
        }
        hide.playFromStart();
    }

    /** Hides an error notification (its cause was fixed); an information stays until it times out. */
    public void clearError() {
        if (pane.getStyleClass().contains("notification-error")) {
            pane.hide();
        }
    }

    /** The text on show, or empty when no notification is showing. */
    public String showing() {
        return pane.isShowing() ? pane.getText() : "";
    }
}
