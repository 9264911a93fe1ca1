package org.grpowb.desktop.shell;

import javafx.scene.control.Alert;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextArea;

/**
 * Help → Keyboard Shortcuts: every menu item that has an accelerator, read off the menu bar so that the list cannot
 * go stale, after the toolbar's and the editor's own keys. Node id: {@code #shortcutList}.
 */
public final class ShortcutsDialog extends Alert {

    /** @param fixed lines of keys that are not menu items (toolbar, editors), each "what\tkey" */
    public ShortcutsDialog(MenuBar menus, String... fixed) {
        super(AlertType.INFORMATION);
        setTitle("Keyboard Shortcuts");
        setHeaderText("Keyboard shortcuts");
        StringBuilder text = new StringBuilder();
        for (String f : fixed) {
            String[] parts = f.split("\t", 2);
            text.append(String.format("%-32s %s%n", parts[0], parts.length > 1 ? parts[1] : ""));
        }
        for (Menu m : menus.getMenus()) {
            for (MenuItem i : m.getItems()) {
                if (i.getAccelerator() != null) {
                    text.append(String.format("%-32s %s%n", m.getText() + " → " + i.getText(),
                            i.getAccelerator().getDisplayText()));
                }
            }
        }
        TextArea list = new TextArea(text.toString());
        list.setId("shortcutList");
        list.setEditable(false);
        list.setStyle("-fx-font-family: monospace;");
        list.setPrefRowCount(16);
        getDialogPane().setContent(list);
    }
}
