package org.grpowb.desktop.steer;

import java.util.function.Function;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import org.grpowb.core.plugin.SteeringChoices;

/**
 * One line of a knob's list of prompt samplers or hint policies: the name, marked when a plugin provides it, and its
 * description (and the plugin's file) as a tooltip. The descriptions were read when the project loaded: a list cell
 * never calls plugin code.
 */
final class ChoiceCell extends ListCell<String> {

    private final Function<String, SteeringChoices.Choice> choices;

    /** @param choices the choice of each name; null for a name it does not know (shown as the bare name) */
    ChoiceCell(Function<String, SteeringChoices.Choice> choices) {
        this.choices = choices;
    }

    @Override
    protected void updateItem(String name, boolean empty) {
        super.updateItem(name, empty);
        SteeringChoices.Choice c = empty || name == null ? null : choices.apply(name);
        setText(empty || name == null ? null : c != null && c.plugin() ? name + "  · plugin" : name);
        setTooltip(c == null ? null : new Tooltip(tooltip(c)));
    }

    /** The description, then where a plugin's comes from. */
    static String tooltip(SteeringChoices.Choice c) {
        String from = !c.plugin() ? "" : c.file() != null ? "from plugins/" + c.file() : "a bundled plugin";
        if (c.description().isEmpty()) {
            return from.isEmpty() ? c.name() : from;
        }
        return from.isEmpty() ? c.description() : c.description() + "\n" + from;
    }
}
