package org.grpowb.core.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.grpowb.core.run.RunInfo;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Continue" picks the newest unfinished run of the project asking, in a real store shared by two projects, whatever
 * order the runs were created and ended in.
 */
class ProjectRunsTest {

    @Test
    void theDefaultStoreIsRunsDbInsideTheProjectFolder(@TempDir Path dir) {
        assertEquals(dir.toAbsolutePath().normalize().resolve("runs").resolve("runs.db"),
                ProjectRuns.defaultStore(dir.resolve("sub").resolve("..")));
        assertTrue(ProjectRuns.defaultStore(Path.of("relative")).isAbsolute());
    }

    @Test
    void theNewestRunOfThisProjectThatIsNotDoneIsContinued(@TempDir Path dir) {
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            long a1 = run(store, "arithmetic", "stopped");
            long b1 = run(store, "word-problems", "stopped");
            long a2 = run(store, "arithmetic", "failed");
            long a3 = run(store, "arithmetic", "done");
            long b2 = run(store, "word-problems", "running");
            long b3 = run(store, "word-problems", "done");
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), List.of(a1, b1, a2, a3, b2, b3));

            // a3 is newer but done; the newest of word-problems (b2) belongs to the other project
            assertEquals(a2, ProjectRuns.newestUnfinished(store, "arithmetic").map(RunInfo::id).orElseThrow());
            // a run still "running" in the store was killed mid-step: it continues like a stopped one
            assertEquals(b2, ProjectRuns.newestUnfinished(store, "word-problems").map(RunInfo::id).orElseThrow());

            // once a2 is done the older stopped run is the one left to continue
            store.setStatus(a2, "done");
            assertEquals(a1, ProjectRuns.newestUnfinished(store, "arithmetic").map(RunInfo::id).orElseThrow());
            store.setStatus(a1, "done");
            assertTrue(ProjectRuns.newestUnfinished(store, "arithmetic").isEmpty(), "every run of it is done");
            assertTrue(ProjectRuns.newestUnfinished(store, "no-such-project").isEmpty());
        }
    }

    private static long run(RunStore store, String project, String status) {
        long id = store.createRun(project, "grpo", 7, "{}");
        store.setStatus(id, status);
        return id;
    }
}
