package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traces_every_k_steps} and {@code traces_groups_per_step}: thin traces keep token ids and nothing else. */
class TraceThinningTest {

    @TempDir
    Path dir;

    @Test
    void onlyEveryKthStepsFirstGroupsKeepTheirValues() throws Exception {
        Project p = EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(4, "traces_every_k_steps: 2, traces_groups_per_step: 3")), Map.of());
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, e -> { }).start();
            assertEquals("done", s.status(), s.message());
            for (int step = 1; step <= 4; step++) {
                for (GroupRecord g : store.step(s.runId(), step).orElseThrow().groups()) {
                    boolean full = step % 2 == 0 && g.index() < 3;
                    for (RolloutRecord r : g.rollouts()) {
                        assertEquals(full, r.trace().hasValues(), "step " + step + " group " + g.index());
                        assertTrue(r.trace().tokenIds().length > 0, "ids are always kept");
                        if (!full) {
                            assertNull(r.trace().logProbs());
                            assertNull(r.trace().advantages());
                        } else {
                            assertEquals(r.trace().tokenIds().length, r.trace().logProbs().length);
                        }
                    }
                }
            }
        }
    }
}
