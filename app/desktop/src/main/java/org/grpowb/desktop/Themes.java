package org.grpowb.desktop;

import javafx.scene.Scene;

/** The light and dark themes: JavaFX's Modena plus a small stylesheet of our own for the dark one. */
public final class Themes {

    public static final String LIGHT = "light";
    public static final String DARK = "dark";

    private Themes() {
    }

    public static void apply(Scene scene, String theme) {
        scene.getStylesheets().removeIf(s -> s.endsWith("/dark.css"));
        if (DARK.equals(theme)) {
            scene.getStylesheets().add(Themes.class.getResource("/org/grpowb/desktop/dark.css").toExternalForm());
        }
    }
}
