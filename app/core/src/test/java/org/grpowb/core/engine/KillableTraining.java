package org.grpowb.core.engine;

import java.nio.file.Path;
import java.util.Map;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.store.RunStore;

/** Child-process entry of the kill test: trains a project into a store until killed. */
public final class KillableTraining {

    private KillableTraining() {
    }

    public static void main(String[] args) {
        var project = new ProjectLoader(PluginRegistry.discover()).load(Path.of(args[0]), Map.of());
        try (RunStore store = RunStore.open(Path.of(args[1]))) {
            new TrainingRun(project, store, null).start();
        }
    }
}
