package org.grpowb.desktop;

import java.util.function.Consumer;
import java.util.prefs.Preferences;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.grpowb.desktop.shell.CollapsiblePanel;
import org.grpowb.desktop.shell.Icons;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The window's menus (File, View, Run, Help) and their shortcuts. The actions are the window's; this class only lays
 * them out, so that the menus read as one list.
 * <p>
 * Item ids: {@code #newProject}, {@code #openProject}, {@code #openModelFolder}, {@code #trustProjectPlugins}, {@code #showWelcome},
 * {@code #darkTheme}, {@code #toggleExplorer}, {@code #toggleBottom}, {@code #evaluate}, {@code #continueRun},
 * {@code #cancelAction}, {@code #showShortcuts}. The most used items carry an icon.
 */
final class WorkbenchMenus {

    /** What the items do. */
    record Actions(Runnable newProject, Runnable openProject, Runnable openModelFolder, Runnable trustPlugins,
                   Runnable welcome, Runnable evaluate, Runnable continueRun, Runnable cancelLongAction,
                   Runnable shortcuts, Consumer<Boolean> darkTheme) {
    }

    private WorkbenchMenus() {
    }

    static MenuBar build(Actions a, Preferences prefs, CollapsiblePanel explorer, CollapsiblePanel bottom) {
        MenuItem newItem = item("New Project…", "newProject", Feather.FOLDER_PLUS, a.newProject(),
                new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN));
        MenuItem openItem = item("Open Project…", "openProject", Feather.FOLDER, a.openProject(),
                new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        MenuItem modelItem = item("Open Model Folder…", "openModelFolder", Feather.CPU, a.openModelFolder(),
                new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        MenuItem trustItem = item("Trust Project Plugins…", "trustProjectPlugins", Feather.SHIELD, a.trustPlugins(),
                null);
        MenuItem welcomeItem = item("Welcome", "showWelcome", Feather.HOME, a.welcome(), null);

        CheckMenuItem dark = new CheckMenuItem("Dark Theme", Icons.of(Feather.MOON));
        dark.setId("darkTheme");
        dark.setSelected(prefs.getBoolean("theme.dark", false));
        dark.setAccelerator(new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        dark.selectedProperty().addListener((o, was, now) -> {
            prefs.putBoolean("theme.dark", now);
            a.darkTheme().accept(now);
        });
        CheckMenuItem explorerItem = panelItem("Project Explorer", "toggleExplorer", explorer,
                new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.ALT_DOWN));
        CheckMenuItem bottomItem = panelItem("Console and Problems", "toggleBottom", bottom,
                new KeyCodeCombination(KeyCode.DIGIT4, KeyCombination.ALT_DOWN));

        MenuItem evaluate = item("Evaluate Latest Checkpoint", "evaluate", Feather.TARGET, a.evaluate(),
                new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN));
        MenuItem continueRun = item("Continue Selected Run", "continueRun", Feather.FAST_FORWARD, a.continueRun(),
                null);
        MenuItem cancel = item("Cancel Long Action", "cancelAction", Feather.X_CIRCLE, a.cancelLongAction(),
                new KeyCodeCombination(KeyCode.ESCAPE, KeyCombination.SHORTCUT_DOWN));
        MenuItem keys = item("Keyboard Shortcuts", "showShortcuts", Feather.COMMAND, a.shortcuts(),
                new KeyCodeCombination(KeyCode.F1));
        return new MenuBar(new Menu("File", null, newItem, openItem, modelItem, trustItem, welcomeItem),
                new Menu("View", null, dark, explorerItem, bottomItem),
                new Menu("Run", null, evaluate, continueRun, cancel),
                new Menu("Help", null, keys));
    }

    /** Whether the dark theme is chosen in the View menu. */
    static boolean dark(MenuBar bar) {
        return bar.getMenus().get(1).getItems().get(0) instanceof CheckMenuItem c && c.isSelected();
    }

    private static MenuItem item(String text, String id, Ikon icon, Runnable action, KeyCombination accelerator) {
        MenuItem m = new MenuItem(text, Icons.of(icon));
        m.setId(id);
        m.setOnAction(e -> action.run());
        if (accelerator != null) {
            m.setAccelerator(accelerator);
        }
        return m;
    }

    private static CheckMenuItem panelItem(String text, String id, CollapsiblePanel panel, KeyCombination key) {
        CheckMenuItem m = new CheckMenuItem(text);
        m.setId(id);
        m.setAccelerator(key);
        m.selectedProperty().bindBidirectional(panel.shownProperty());
        return m;
    }
}
