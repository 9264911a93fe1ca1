package org.grpowb.core.project;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.store.RunStore;

/**
 * Where a project's runs are kept and which of them "continue" means. The command line ({@code grpowb train
 * --resume}) and the window (Run → Continue) both ask here, so that the two can never disagree about the store a
 * project trains into or the run they pick up.
 */
public final class ProjectRuns {

    /** The one status a run cannot be continued from: it trained every step. */
    private static final String DONE = "done";

    private ProjectRuns() {
    }

    /** The run store of the project in {@code projectDir} unless told otherwise: {@code runs/runs.db} inside it. */
    public static Path defaultStore(Path projectDir) {
        return projectDir.toAbsolutePath().normalize().resolve("runs").resolve("runs.db");
    }

    /**
     * The newest (highest id) run of {@code projectName} in {@code store} that did not finish: {@code stopped},
     * {@code failed} or {@code running}. A run still marked {@code running} was killed mid-step (nothing marked it
     * otherwise), and like the other two it continues from its last checkpoint. Runs of other projects sharing the
     * store are never picked: continuing one would train it with this project's plugins and data.
     */
    public static Optional<RunInfo> newestUnfinished(RunStore store, String projectName) {
        Objects.requireNonNull(projectName, "projectName");
        return store.runs().stream()
                .filter(r -> r.project().equals(projectName) && !r.status().equals(DONE))
                .max(Comparator.comparingLong(RunInfo::id));
    }
}
