package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.grpowb.core.TestProjects;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live edits in real training runs: applied at the next step boundary and versioned, refused with a reason while the
 * run goes on, hints reaching the prompts the policy is sampled with, and a stopped and resumed run with edits equal
 * to the uninterrupted one.
 */
class SteeringInTheRunTest {

    @TempDir
    Path dir;

    /**
     * Eight problems, four a step (each revisited every other step), every one with two hint tiers of characters the
     * character model knows; a randomly initialised model answers none of them, so every group is all wrong.
     */
    private Project project(Path at, String hintsSection) throws IOException {
        Files.createDirectories(at);
        List<String> train = TestProjects.hintedProblems(8,
                i -> ",\"difficulty\":\"" + (i < 4 ? "easy" : "hard") + "\"");
        Files.write(at.resolve("train.jsonl"), train);
        Files.write(at.resolve("eval.jsonl"), train.subList(0, 2));
        Files.writeString(at.resolve("project.yaml"), """
                name: steer
                data: {train: train.jsonl, eval: eval.jsonl}
                model: {name: tiny-gpt, settings: {layers: 1, width: 32, heads: 2, context: 16}}
                variant: {name: grpo, settings: {beta: 0.0}}
                rewards: [{name: exact_answer, weight: 1.0}]
                training: {steps: 6, seed: 5, prompts_per_step: 4, group_size: 4, learning_rate: 0.0005,
                           max_new_tokens: 3, eval_every: 0, eval_examples: 2, checkpoint_every: 2}
                """ + hintsSection);
        return new ProjectLoader(PluginRegistry.discover()).load(at);
    }

    /** Runs a project, calling {@code afterStep(step, runId)} after each stored step, on the training thread. */
    private static RunSummary train(Project p, Path storeFile, BiConsumer<Integer, Long> afterStep) {
        try (RunStore store = RunStore.open(storeFile)) {
            return new TrainingRun(p, store, e -> {
                if (e instanceof RunEvent.StepCompleted s) {
                    afterStep.accept(s.step().metrics().step(), e.runId());
                }
            }).start();
        }
    }

    /** Submits an edit as another process would: through its own connection to the store. */
    private static void submit(Path storeFile, long runId, String kind, String payload) {
        try (RunStore other = RunStore.open(storeFile)) {
            other.submitEdit(runId, kind, payload, "test");
        }
    }

    @Test
    void editsApplyAtTheNextBoundaryAreVersionedAndBadOnesAreRefusedWhileTheRunGoesOn() throws Exception {
        Project p = project(dir.resolve("p"), "hints: {policy: none, template: \"{hints}{prompt}\"}\n");
        Path storeFile = dir.resolve("runs.db");
        RunSummary s = train(p, storeFile, (step, run) -> {
            if (step == 1) {
                submit(storeFile, run, "set", "{\"key\": \"training.learning_rate\", \"value\": 0.0001}");
                submit(storeFile, run, "set", "{\"key\": \"training.steps\", \"value\": 3}");
                submit(storeFile, run, "set", "{\"key\": \"training.temperature\", \"value\": 99}");
            } else if (step == 2) {
                submit(storeFile, run, "set", "{\"key\": \"hints.policy\", \"value\": \"scaf_grpo\"}");
                submit(storeFile, run, "set", "{\"key\": \"hints.settings\", \"value\": "
                        + "{\"warmup_steps\": 0, \"escalate_after\": 1}}");
                submit(storeFile, run, "hints", "{\"hints\": {\"no-such-problem\": [\"1\"]}}");
            }
        });
        assertEquals("done", s.status(), s.message());
        assertEquals(6, s.steps());
        try (RunStore store = RunStore.open(storeFile)) {
            List<EditRecord> edits = store.edits(s.runId());
            assertEquals(List.of("applied", "refused", "refused", "applied", "applied", "refused"),
                    edits.stream().map(EditRecord::status).toList());
            assertEquals(List.of(2, 2, 2, 3, 3, 3), edits.stream().map(EditRecord::step).toList());
            assertEquals(1, edits.get(0).version());
            assertNull(edits.get(1).version());
            assertTrue(edits.get(1).reason().contains("training.steps"), edits.get(1).reason());
            assertTrue(edits.get(2).reason().contains("temperature"), edits.get(2).reason());
            assertEquals(List.of(2, 3), List.of(edits.get(3).version(), edits.get(4).version()));
            assertTrue(edits.get(5).reason().contains("no-such-problem"), edits.get(5).reason());

            List<StepMetrics> m = store.metrics(s.runId());
            assertEquals(List.of(5e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4),
                    m.stream().map(x -> x.extra().get("learning_rate")).toList());
            assertEquals(List.of(0.0, 1.0, 3.0, 3.0, 3.0, 3.0),
                    m.stream().map(x -> x.extra().get("edit_version")).toList());
            for (int step = 1; step <= 6; step++) {
                StepRecord rec = store.step(s.runId(), step).orElseThrow();
                for (GroupRecord g : rec.groups()) {
                    assertEquals(m.get(step - 1).extra().get("edit_version").intValue(), g.editVersion());
                    // before the policy was switched on nothing is hinted; every visit is all wrong, so Scaf-GRPO
                    // (warm-up 0, escalate after 1) raises each problem one tier per visit from step 3, to its top
                    int expected = step < 3 ? 0 : step < 5 ? 1 : 2;
                    assertEquals(expected, g.hintTier(), "step " + step + " " + g.promptId());
                    String shown = expected == 0 ? g.prompt() : (expected == 1 ? "0+" : "0+ 0+0+") + g.prompt();
                    assertEquals(shown, g.renderedPrompt(), "the exact text the policy saw");
                    g.rollouts().forEach(ro -> assertEquals(expected, ro.hintTier()));
                }
            }
        }
    }

    @Test
    void aHintedReplacementRolloutHasItsOwnTierAndPrompt() throws Exception {
        Project p = project(dir.resolve("p"), """
                hints: {policy: scaf_grpo, template: "{hints}{prompt}",
                        settings: {warmup_steps: 0, escalate_after: 1, replace_one_rollout: true}}
                """);
        RunSummary s = train(p, dir.resolve("runs.db"), (step, run) -> { });
        assertEquals("done", s.status(), s.message());
        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            for (int step = 1; step <= 6; step++) {
                for (GroupRecord g : store.step(s.runId(), step).orElseThrow().groups()) {
                    assertEquals(0, g.hintTier(), "the group itself is never hinted in replacement mode");
                    assertEquals(g.prompt(), g.renderedPrompt());
                    List<RolloutRecord> rs = g.rollouts();
                    assertEquals(4, rs.size(), "the replacement takes a rollout's place: G stays 4");
                    for (int i = 0; i < 3; i++) {
                        assertEquals(0, rs.get(i).hintTier());
                        assertNull(rs.get(i).renderedPrompt(), "same prompt as its group");
                    }
                    RolloutRecord last = rs.get(3);
                    if (step < 3) {
                        assertEquals(0, last.hintTier(), "first visit: nothing to escalate from");
                    } else {
                        // every earlier visit was all wrong, the hinted one included: one tier up per visit
                        int tier = step < 5 ? 1 : 2;
                        assertEquals(tier, last.hintTier(), "step " + step);
                        assertEquals((tier == 1 ? "0+" : "0+ 0+0+") + g.prompt(), last.renderedPrompt());
                    }
                }
            }
        }
    }

    @Test
    void aStoppedAndResumedRunWithEditsEqualsTheUninterruptedOne() throws Exception {
        String hints = "hints: {policy: none, template: \"{hints}{prompt}\"}\n";
        Path storeA = dir.resolve("a.db");
        Path storeB = dir.resolve("b.db");
        RunSummary a = train(project(dir.resolve("a"), hints), storeA, (step, run) -> edits(storeA, run, step));

        Project pb = project(dir.resolve("b"), hints);
        long runB;
        try (RunStore store = RunStore.open(storeB)) {
            TrainingRun[] holder = new TrainingRun[1];
            holder[0] = new TrainingRun(pb, store, e -> {
                if (e instanceof RunEvent.StepCompleted sc) {
                    int step = sc.step().metrics().step();
                    edits(storeB, e.runId(), step);
                    if (step == 5) {
                        holder[0].requestStop(); // after step 5: the newest checkpoint is step 4's
                    }
                }
            });
            RunSummary stopped = holder[0].start();
            assertEquals("stopped", stopped.status(), stopped.message());
            runB = stopped.runId();
            // the edit applied before step 5 was applied after the checkpoint: resume replays it there
            assertEquals(List.of(2, 4, 4, 5), store.appliedEdits(runB).stream().map(EditRecord::step).toList());
            RunSummary resumed = new TrainingRun(pb, store, e -> { }).resume(runB);
            assertEquals("done", resumed.status(), resumed.message());
        }
        try (RunStore sa = RunStore.open(storeA); RunStore sb = RunStore.open(storeB)) {
            assertEquals(4, sb.edits(runB).size(), "resume re-applies; it does not record edits again");
            for (int step = 1; step <= 6; step++) {
                StepRecord x = sa.step(a.runId(), step).orElseThrow();
                StepRecord y = sb.step(runB, step).orElseThrow();
                assertEquals(x.metrics().extra().get("edit_version"), y.metrics().extra().get("edit_version"));
                assertEquals(x.metrics().extra().get("learning_rate"), y.metrics().extra().get("learning_rate"));
                assertEquals(x.metrics().loss(), y.metrics().loss(), 0.0, "step " + step);
                for (int g = 0; g < x.groups().size(); g++) {
                    GroupRecord gx = x.groups().get(g);
                    GroupRecord gy = y.groups().get(g);
                    assertEquals(gx.renderedPrompt(), gy.renderedPrompt(), "step " + step);
                    assertEquals(gx.hintTier(), gy.hintTier());
                    for (int i = 0; i < gx.rollouts().size(); i++) {
                        assertArrayEquals(gx.rollouts().get(i).trace().tokenIds(),
                                gy.rollouts().get(i).trace().tokenIds(), "step " + step + " group " + g);
                    }
                }
            }
        }
    }

    /** The same edits in both runs: a learning rate after step 1, Scaf-GRPO after step 3, new hints after step 4. */
    private static void edits(Path storeFile, long run, int step) {
        switch (step) {
            case 1 -> submit(storeFile, run, "set", "{\"key\": \"training.learning_rate\", \"value\": 0.002}");
            case 3 -> {
                submit(storeFile, run, "set", "{\"key\": \"hints.policy\", \"value\": \"scaf_grpo\"}");
                submit(storeFile, run, "set", "{\"key\": \"hints.settings\", \"value\": "
                        + "{\"warmup_steps\": 0, \"escalate_after\": 1}}");
            }
            case 4 -> submit(storeFile, run, "hints", "{\"hints\": {\"t0\": [\"1+\"], \"t1\": [\"2+\"]}}");
            default -> { }
        }
    }
}
