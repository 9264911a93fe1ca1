package org.grpowb.desktop;

import java.util.Arrays;
import javafx.application.Application;
import org.grpowb.core.user.UserFolders;
import org.grpowb.desktop.bench.FrameBench;

/**
 * Entry point of the desktop jar. A separate class from {@link WorkbenchApp} because the JavaFX launcher refuses a
 * main class that extends {@link Application} when JavaFX is on the class path rather than the module path.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains(FrameBench.FLAG)) {
            FrameBench.run(args);
            return;
        }
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        UserFolders.current().useForDjl();
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        Application.launch(WorkbenchApp.class, args);
    }
}
