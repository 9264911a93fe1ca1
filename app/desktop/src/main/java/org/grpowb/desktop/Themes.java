package org.grpowb.desktop;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import atlantafx.base.theme.Theme;
import javafx.application.Application;
import javafx.collections.ListChangeListener;
import javafx.scene.Scene;
import javafx.stage.PopupWindow;
import javafx.stage.Window;
import org.grpowb.desktop.shell.ChartTheme;

/**
 * The light and dark themes: AtlantaFX's Primer Light and Primer Dark, GitHub's palettes, which read as a current IDE
 * where Modena reads as 2014. A theme is the application's user-agent stylesheet, so dialogs and popups follow it too.
 * <p>
 * AtlantaFX defines its own colour variables ({@code -color-bg-default}, {@code -color-fg-muted}, …) and none of
 * Modena's ({@code -fx-base}, {@code -fx-accent}, {@code -fx-mid-text-color}, …); our views' inline styles and
 * ControlsFX's stylesheets look those up, and JavaFX would log "Could not resolve" and fall back to black or
 * transparent. {@code workbench.css} maps each of them to the theme's variables, so it holds for both themes; it is
 * added to every window's scene. The scene's root carries {@link ChartTheme#DARK} while the dark theme is on, for what
 * CSS cannot reach (JFreeChart's AWT drawing).
 */
public final class Themes {

    public static final String LIGHT = "light";
    public static final String DARK = "dark";

    /** The stylesheet that maps Modena's looked-up colours to the theme's and styles the window's own parts. */
    public static final String STYLESHEET = "/org/grpowb/desktop/workbench.css";

    private static final Theme LIGHT_THEME = new PrimerLight();
    private static final Theme DARK_THEME = new PrimerDark();
    private static boolean followingWindows;

    private Themes() {
    }

    /** Puts {@code theme} ({@link #LIGHT} or {@link #DARK}) on the application and {@code scene}. JavaFX thread. */
    public static void apply(Scene scene, String theme) {
        boolean dark = DARK.equals(theme);
        Application.setUserAgentStylesheet(userAgentStylesheet(theme));
        addStylesheet(scene);
        followWindows();
        scene.getRoot().pseudoClassStateChanged(ChartTheme.DARK, dark);
    }

    /** The AtlantaFX stylesheet of {@code theme} (a class-path resource of atlantafx-base). */
    public static String userAgentStylesheet(String theme) {
        return (DARK.equals(theme) ? DARK_THEME : LIGHT_THEME).getUserAgentStylesheet();
    }

    private static void addStylesheet(Scene scene) {
        String url = Themes.class.getResource(STYLESHEET).toExternalForm();
        if (!scene.getStylesheets().contains(url)) {
            scene.getStylesheets().add(url);
        }
    }

    /**
     * Gives each window shown from now on (a dialog, the shortcuts list) the mapping too; popups (menus, tooltips)
     * take their owner scene's stylesheets already.
     */
    private static void followWindows() {
        if (followingWindows) {
            return;
        }
        followingWindows = true;
        Window.getWindows().addListener((ListChangeListener<Window>) change -> {
            while (change.next()) {
                for (Window w : change.getAddedSubList()) {
                    if (!(w instanceof PopupWindow) && w.getScene() != null) {
                        addStylesheet(w.getScene());
                    }
                }
            }
        });
        Window.getWindows().stream().filter(w -> !(w instanceof PopupWindow) && w.getScene() != null)
                .forEach(w -> addStylesheet(w.getScene()));
    }
}
