package org.grpowb.desktop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import java.util.stream.Stream;
import javafx.event.Event;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ContextMenu;
import javafx.scene.input.ContextMenuEvent;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** What the window tests share: a scratch preferences node, waiting, copying a sample project, screenshots. */
final class WindowTests {

    static final Path SAMPLE = Path.of("../../sample-projects/arithmetic");

    private WindowTests() {
    }

    /** Hides every window but {@code stage}: lookups search every window, and one another test left open would answer. */
    static void hideOtherWindows(javafx.stage.Stage stage) {
        for (javafx.stage.Window w : new java.util.ArrayList<>(javafx.stage.Window.getWindows())) {
            if (w != stage) {
                w.hide();
            }
        }
    }

    /**
     * Selects the tab of that id in whichever of the window's tab panes holds it, through its tab pane: in a long suite
     * a click on the header can land before the tab strip has laid out the new tab, and the panel would stay hidden.
     */
    static void selectTab(FxRobot robot, Workbench w, String tabId) {
        robot.interact(() -> robot.from(w.root()).lookup(".tab-pane").queryAllAs(javafx.scene.control.TabPane.class)
                .stream().flatMap(p -> p.getTabs().stream()).filter(t -> tabId.equals(t.getId())).findFirst()
                .ifPresent(t -> t.getTabPane().getSelectionModel().select(t)));
    }

    /** A preferences node of its own, so tests neither see nor change the user's layout, theme and recent projects. */
    static Preferences scratchPrefs() {
        return Preferences.userRoot().node("grpowb-tests/" + UUID.randomUUID());
    }

    static void drop(Preferences prefs) {
        try {
            prefs.removeNode();
        } catch (BackingStoreException | IllegalStateException e) {
            // a scratch node that cannot be removed is harmless
        }
    }

    static void waitUntil(BooleanSupplier condition, String what) {
        try {
            WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting until " + what, e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    /**
     * Right-clicks {@code node} and waits for its context menu. Monocle's headless glass (the tests' default without a
     * display) turns a secondary-button press into mouse events only, never into the context-menu request GTK and the
     * other platforms send, so there the request the platform would deliver is fired at the node's centre; the
     * menu that opens, its items and their handlers are the production ones either way.
     */
    static void openContextMenu(FxRobot robot, Node node) {
        robot.rightClickOn(node);
        if (!contextMenuShowing(robot, 1)) {
            robot.interact(() -> {
                Bounds local = node.getLayoutBounds();
                double x = local.getCenterX();
                double y = local.getCenterY();
                Point2D screen = node.localToScreen(x, y);
                Event.fireEvent(node, new javafx.scene.input.ContextMenuEvent(
                        ContextMenuEvent.CONTEXT_MENU_REQUESTED, x, y, screen.getX(), screen.getY(),
                        false, null));
            });
        }
        assertTrue(contextMenuShowing(robot, 5), "a context menu opens on " + node);
    }

    private static boolean contextMenuShowing(FxRobot robot, int seconds) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> robot.listWindows().stream()
                    .anyMatch(w -> w instanceof ContextMenu && w.isShowing()));
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** Waits up to {@code seconds} for {@code condition}; whether it came true. */
    static boolean waitBriefly(BooleanSupplier condition, int seconds) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** Waits until the window has opened its project (or failed to) and no long action is in flight. */
    static void settle(Workbench w) {
        waitUntil(() -> !w.busyProperty().get() && w.work().runningProperty().get() == 0, "the window settles");
    }

    /**
     * Presses Run (through {@code click}) and waits until the new run has started: Run prepares the run in the
     * background, so until then the session still shows the previous run's state and step.
     */
    static void startRun(Workbench w, Runnable click) {
        long before = w.session().runId();
        var failedBefore = w.session().stateProperty().get() == org.grpowb.desktop.run.RunSession.State.FAILED;
        click.run();
        waitUntil(() -> w.session().runId() != before && w.session().runId() >= 0
                || !failedBefore && w.session().stateProperty().get() == org.grpowb.desktop.run.RunSession.State.FAILED,
                "the new run starts");
        if (w.session().stateProperty().get() == org.grpowb.desktop.run.RunSession.State.FAILED) {
            throw new AssertionError("the run failed to start: " + w.session().messageProperty().get()
                    + "; problems: " + w.problems().getItems());
        }
    }

    /**
     * Saves what {@code root} shows to {@code target/screenshots/} (the README's screenshots come from here:
     * {@code xvfb-run -a mvn -pl app/desktop test -Dtest=WorkbenchTest}).
     */
    static void screenshot(Parent root, String name) {
        Path out = Path.of("target", "screenshots", name);
        var image = WaitForAsyncUtils.asyncFx(() -> root.getScene().snapshot(null));
        try {
            Files.createDirectories(out.getParent());
            javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image.get(), null), "png",
                    out.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot save " + out, e);
        }
        assertTrue(Files.exists(out));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith("runs")) {
                    continue;
                }
                Path q = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }
}
