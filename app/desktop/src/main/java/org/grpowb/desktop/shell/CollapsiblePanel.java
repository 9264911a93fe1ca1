package org.grpowb.desktop.shell;

import java.util.prefs.Preferences;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Node;
import javafx.scene.control.SplitPane;

/**
 * A panel of a two-item split pane that can be collapsed (taken out of the pane, so the other item gets all the room)
 * and brought back at the divider position it had. The divider position and whether the panel is shown are kept in
 * user preferences and restored on the next start.
 */
public final class CollapsiblePanel {

    private final SplitPane pane;
    private final Node panel;
    private final boolean first;
    private final String key;
    private final Preferences prefs;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", true);
    private double divider;

    /**
     * @param first    whether the panel is the pane's first item (explorer on the left) or its last (bottom panel)
     * @param key      the preferences key of this panel
     * @param fallback the divider position on a first start
     */
    public CollapsiblePanel(SplitPane pane, Node panel, boolean first, String key, double fallback, Preferences prefs) {
        this.pane = pane;
        this.panel = panel;
        this.first = first;
        this.key = key;
        this.prefs = prefs;
        this.divider = clamp(prefs.getDouble("divider." + key, fallback));
        pane.setDividerPositions(divider);
        watchDivider();
        shown.addListener((o, was, now) -> {
            prefs.putBoolean("panel." + key + ".shown", now);
            if (now) {
                expand();
            } else {
                collapse();
            }
        });
        shown.set(prefs.getBoolean("panel." + key + ".shown", true));
    }

    /** Whether the panel is in the window; set it to collapse or restore the panel. */
    public BooleanProperty shownProperty() {
        return shown;
    }

    public void toggle() {
        shown.set(!shown.get());
    }

    private void collapse() {
        if (pane.getItems().contains(panel)) {
            pane.getItems().remove(panel);
        }
    }

    private void expand() {
        if (!pane.getItems().contains(panel)) {
            if (first) {
                pane.getItems().add(0, panel);
            } else {
                pane.getItems().add(panel);
            }
            pane.setDividerPositions(divider);
            watchDivider();
        }
    }

    /** Dividers are recreated whenever the pane's items change, so the listener goes on the current one. */
    private void watchDivider() {
        if (pane.getDividers().isEmpty()) {
            return;
        }
        pane.getDividers().get(0).positionProperty().addListener((o, was, now) -> {
            if (pane.getItems().contains(panel) && pane.getItems().size() == 2) {
                divider = clamp(now.doubleValue());
                prefs.putDouble("divider." + key, divider);
            }
        });
    }

    private static double clamp(double position) {
        return Math.max(0.05, Math.min(0.95, position));
    }
}
