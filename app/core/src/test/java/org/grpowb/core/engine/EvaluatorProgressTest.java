package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.grpowb.api.Example;
import org.grpowb.api.PolicyModel;
import org.grpowb.core.TestProjects;
import org.grpowb.core.project.Project;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long evaluation reports its progress batch by batch and stops when the caller cancels it. */
class EvaluatorProgressTest {

    @TempDir
    Path dir;

    @Test
    void reportsEachBatchAndStopsWhenCancelled() throws Exception {
        Project project = EngineFixture.project(dir, TestProjects.tinyYaml(TestProjects.GRPO, TestProjects.EXACT,
                TestProjects.training(2, "")), Map.of());
        List<Example> examples = new ArrayList<>();
        while (examples.size() < 600) {
            examples.addAll(project.data().eval());
        }
        examples = examples.subList(0, 600);
        try (NDManager m = NDManager.newBaseManager();
             RewardScorer rewards = new RewardScorer(project.rewards(), 1000);
             PolicyModel policy = project.model().factory().load(m, dir.resolve("warm"))) {
            Evaluator eval = new Evaluator(examples, 0, rewards, 3);
            List<String> seen = new ArrayList<>();
            double acc = eval.accuracy(policy, (done, total) -> seen.add(done + "/" + total));
            assertEquals(List.of("256/600", "512/600", "600/600"), seen);
            assertEquals(eval.accuracy(policy), acc, 0.0, "the progress hook does not change the result");

            List<String> beforeCancel = new ArrayList<>();
            assertThrows(CancellationException.class, () -> eval.accuracy(policy, (done, total) -> {
                beforeCancel.add(done + "/" + total);
                throw new CancellationException("cancelled by the user");
            }));
            assertEquals(List.of("256/600"), beforeCancel, "no batch runs after the cancel");
        }
    }
}
