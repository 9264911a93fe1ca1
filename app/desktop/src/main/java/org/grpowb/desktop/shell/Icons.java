package org.grpowb.desktop.shell;

import java.nio.file.Path;
import java.util.Locale;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The window's icons: Feather's line icons (through Ikonli), drawn as font glyphs. Their colour comes from the theme
 * (AtlantaFX styles {@code .ikonli-font-icon} with the text colour), so one icon serves the light and the dark theme.
 */
public final class Icons {

    /** Menus, tabs and tree rows: a little under the 14 px text, as an IDE's. */
    public static final int SMALL = 14;
    /** The run toolbar's buttons. */
    public static final int TOOLBAR = 16;

    private Icons() {
    }

    public static FontIcon of(Ikon ikon) {
        return of(ikon, SMALL);
    }

    public static FontIcon of(Ikon ikon, int size) {
        FontIcon icon = new FontIcon(ikon);
        icon.setIconSize(size);
        return icon;
    }

    /** The icon of a project file, by its kind: settings, data, code or prose. */
    public static Ikon forFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        return switch (ext) {
            case "yaml", "yml" -> Feather.SLIDERS;
            case "jsonl", "json", "csv" -> Feather.DATABASE;
            case "py" -> Feather.CODE;
            case "jar" -> Feather.PACKAGE;
            default -> Feather.FILE_TEXT;
        };
    }
}
