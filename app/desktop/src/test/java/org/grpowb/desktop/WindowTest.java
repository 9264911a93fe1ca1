package org.grpowb.desktop;

import java.util.prefs.Preferences;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.testfx.framework.junit5.ApplicationTest;

/**
 * A test of the whole window: each test gets preferences of its own (dropped afterwards), so that no test sees or
 * changes the user's layout, theme and recent projects, or another test's.
 */
abstract class WindowTest extends ApplicationTest {

    protected final Preferences prefs = WindowTests.scratchPrefs();

    /** Puts the window on the stage and shows it. */
    protected static Workbench show(Stage stage, Workbench workbench, double width, double height) {
        stage.setScene(new Scene(workbench.root(), width, height));
        // the stage is shared by every test of the JVM: one that sized it (FrameBenchTest's window) would otherwise
        // squeeze this scene into its own size and leave controls outside the window
        stage.sizeToScene();
        stage.show();
        return workbench;
    }

    @AfterEach
    void dropPrefs() {
        WindowTests.drop(prefs);
    }
}
