package org.grpowb.desktop;

import static org.grpowb.desktop.WindowTests.SAMPLE;
import static org.grpowb.desktop.WindowTests.copyTree;
import static org.grpowb.desktop.WindowTests.settle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Tab;
import javafx.scene.control.TreeCell;
import javafx.stage.Stage;
import org.grpowb.desktop.shell.ChartTheme;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The window's look: AtlantaFX's Primer Light as it opens, Primer Dark through View → Dark Theme (kept for the next
 * start), Feather icons on the toolbar and the explorer's rows, charts that follow the theme, and no CSS lookup that
 * fails to resolve under either theme (AtlantaFX has none of Modena's colours, which the views' styles use).
 */
class ThemeWindowTest extends WindowTest {

    @TempDir
    Path dir;

    private final CssWarnings css = new CssWarnings();
    private Workbench workbench;

    @Override
    public void start(Stage stage) throws IOException {
        Path project = dir.resolve("arithmetic");
        copyTree(SAMPLE, project);
        workbench = show(stage, new Workbench(project, Map.of(), prefs), 1400, 900);
    }

    @AfterEach
    void stopListening() {
        css.close();
    }

    @Test
    void lightThenDarkThroughTheMenuWithIconsAndNoUnresolvedColours() {
        settle(workbench);
        assertEquals("/atlantafx/base/theme/primer-light.css", Application.getUserAgentStylesheet());
        assertTrue(workbench.root().getScene().getStylesheets().stream().anyMatch(s -> s.endsWith("/workbench.css")));
        styleEveryEditor();

        Button run = lookup("#run").queryButton();
        assertEquals("Run", run.getText(), "the name stays beside the icon");
        assertEquals(Feather.PLAY, assertInstanceOf(FontIcon.class, run.getGraphic()).getIconCode());
        assertEquals(Feather.SQUARE, ((FontIcon) lookup("#stop").queryButton().getGraphic()).getIconCode());
        // a settings file, a data file and the run list each have their own icon
        assertEquals(Feather.SLIDERS, treeIcon("project.yaml"));
        assertEquals(Feather.DATABASE, treeIcon("data/train.jsonl"));
        assertEquals(Feather.ACTIVITY, treeIcon("runs"));
        assertEquals(new java.awt.Color(0xff, 0xff, 0xff), chartBackground(), "Primer Light's page white");

        clickOn("View").clickOn("#darkTheme");
        WindowTests.waitUntil(() -> ChartTheme.dark(workbench.root()), "the dark theme is on");
        assertEquals("/atlantafx/base/theme/primer-dark.css", Application.getUserAgentStylesheet());
        assertTrue(prefs.getBoolean("theme.dark", false), "kept for the next start");
        // Primer Dark's -color-bg-default, #0d1117: the charts no longer sit on the dark page as white cards
        assertEquals(new java.awt.Color(0x0d, 0x11, 0x17), chartBackground());
        // the series blue turns Primer Dark's accent, the raw curve keeping its faintness (alpha)
        assertEquals(new java.awt.Color(0x58, 0xa6, 0xff), seriesPaint(0));
        assertEquals(new java.awt.Color(0x58, 0xa6, 0xff, 0x4c), seriesPaint(1));
        interact(() -> workbench.notifier().info("a notification on the dark theme"));
        styleEveryEditor();
        WindowTests.screenshot(workbench.root(), "theme-dark.png");

        clickOn("View").clickOn("#darkTheme");
        WindowTests.waitUntil(() -> !ChartTheme.dark(workbench.root()), "the light theme is back");
        assertEquals("/atlantafx/base/theme/primer-light.css", Application.getUserAgentStylesheet());
        assertFalse(prefs.getBoolean("theme.dark", true));
        assertEquals(new java.awt.Color(0xff, 0xff, 0xff), chartBackground());
        assertEquals(new java.awt.Color(0x1f, 0x77, 0xb4), seriesPaint(0), "back to the light theme's blue");
        assertEquals(List.of(), css.messages(), "CSS problems under either theme");
    }

    /** Brings each editor tab forward and styles the whole scene, so each view's lookups are resolved. */
    private void styleEveryEditor() {
        for (Tab tab : List.copyOf(workbench.editors().getTabs())) {
            interact(() -> {
                workbench.editors().getSelectionModel().select(tab);
                workbench.root().applyCss();
                workbench.root().layout();
            });
        }
        interact(() -> workbench.editors().getSelectionModel().select(0));
    }

    private org.kordamp.ikonli.Ikon treeIcon(String text) {
        Node cell = lookup(".tree-cell").match(n -> n instanceof TreeCell<?> c && text.equals(c.getText())).query();
        return assertInstanceOf(FontIcon.class, ((TreeCell<?>) cell).getGraphic(), text).getIconCode();
    }

    private java.awt.Paint seriesPaint(int series) {
        return ((org.jfree.chart.plot.XYPlot) lookup("#chart-reward_mean").queryAs(ChartViewer.class).getChart()
                .getPlot()).getRenderer().getSeriesPaint(series);
    }

    private java.awt.Paint chartBackground() {
        return lookup("#chart-reward_mean").queryAs(ChartViewer.class).getChart().getBackgroundPaint();
    }

    /**
     * What JavaFX logs about CSS: it reports an unresolved lookup ("Could not resolve '-fx-base' while resolving
     * lookups for …") and a style it cannot parse as warnings of the platform logger {@code javafx.css}, which goes
     * to java.util.logging when no other System.Logger backend is installed (none is here).
     */
    static final class CssWarnings extends Handler {

        private final Logger logger = Logger.getLogger("javafx.css"); // held, or JUL may drop the configured logger
        private final List<String> messages = new ArrayList<>();

        CssWarnings() {
            setLevel(Level.WARNING);
            logger.addHandler(this);
        }

        synchronized List<String> messages() {
            return List.copyOf(messages);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (isLoggable(record)) {
                messages.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
