package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.grpowb.core.TestProjects;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.SteeringChoices;
import org.grpowb.core.plugin.UserTrustFile;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectException;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.run.EditRecord;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt sampler and a hint policy dropped into a project as single {@code .java} files, trusted, and chosen by name
 * in {@code curriculum.sampler} and {@code hints.policy} (or switched to by a live edit): real runs draw and hint as
 * the plugins say; an untrusted one or a bad setting is refused at load naming the file, line and field; one that
 * throws stops the run at that step with the steps before it stored, and the run resumes once the file is fixed.
 */
class PluginSteeringTest {

    /** Draws the candidates from the end of the data, after skipping {@code skip} of them. */
    private static final String LAST_FIRST = """
            package com.example.steer;

            import java.util.ArrayList;
            import java.util.List;
            import org.grpowb.api.PromptSampler;
            import org.grpowb.api.SettingSpec;
            import org.grpowb.api.Settings;

            public class LastFirst implements PromptSampler {
                private int skip;
                public String name() { return "last_first"; }
                public String description() { return "the last candidates of the data, after skipping some"; }
                public List<SettingSpec> settings() {
                    return List.of(SettingSpec.integer("skip", "candidates passed over at the end", 0, 0, 100));
                }
                public void configure(Settings settings) { skip = settings.integer("skip"); }
                public List<Draw> draw(Round round) {
                    List<Draw> out = new ArrayList<>();
                    for (int i = round.candidates().size() - 1 - skip; i >= 0 && out.size() < round.count(); i--) {
                        var e = round.candidates().get(i).example();
                        if (!round.exclude().contains(e.id())) {
                            out.add(new Draw(e, round.groupSize()));
                        }
                    }
                    return out;
                }
            }
            """;

    /** The example hint policy the installer ships: one more tier after each {@code every} all-wrong visits. */
    private static final Path HINT_AFTER_FAILURES = Path.of("../../plugins/examples/single-file/HintAfterFailures.java");

    /** Draws like the uniform sampler until step 2, where it throws. */
    private static final String BOOM = """
            package com.example.steer;

            import java.util.ArrayList;
            import java.util.List;
            import org.grpowb.api.PromptSampler;

            public class Boom implements PromptSampler {
                public String name() { return "boom"; }
                public String description() { return "fails at step 2"; }
                public List<Draw> draw(Round round) {
                    if (round.step() == 2) {
                        throw new IllegalStateException("exploded at step " + round.step());
                    }
                    List<Draw> out = new ArrayList<>();
                    for (int i = 0; i < round.count(); i++) {
                        out.add(new Draw(round.candidates().get(i).example(), round.groupSize()));
                    }
                    return out;
                }
            }
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final UserTrustFile userTrust = new UserTrustFile();

    /** Eight problems t0..t7 with two hint tiers each, four a step; {@code sections} is appended to project.yaml. */
    private Path project(String name, String sections) throws IOException {
        Path at = dir.resolve(name);
        Files.createDirectories(at.resolve("plugins"));
        List<String> train = TestProjects.hintedProblems(8, i -> "");
        Files.write(at.resolve("train.jsonl"), train);
        Files.write(at.resolve("eval.jsonl"), train.subList(0, 2));
        Files.writeString(at.resolve("project.yaml"), """
                name: plugin-steering
                data: {train: train.jsonl, eval: eval.jsonl}
                model: {name: tiny-gpt, settings: {layers: 1, width: 32, heads: 2, context: 16}}
                variant: {name: grpo, settings: {beta: 0.0}}
                rewards: [{name: exact_answer, weight: 1.0}]
                training: {steps: 3, seed: 5, prompts_per_step: 4, group_size: 4, learning_rate: 0.0005,
                           max_new_tokens: 3, eval_every: 0, eval_examples: 2, checkpoint_every: 1}
                """ + sections);
        return at;
    }

    private void plugin(Path project, String fileName, String source, boolean trusted) throws IOException {
        Path f = Files.writeString(project.resolve("plugins").resolve(fileName), source);
        if (trusted) {
            userTrust.trust().trust(PluginFile.of(f));
        }
    }

    private Project load(Path at) {
        return new ProjectLoader(PluginRegistry.forProject(at, userTrust.trust())).load(at);
    }

    private static Set<String> drawn(RunStore store, long runId, int step) {
        return store.step(runId, step).orElseThrow().groups().stream().map(GroupRecord::promptId)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aProjectTrainsWithThePluginsSamplerAndHintPolicyItNames() throws Exception {
        Path at = project("p", """
                curriculum: {sampler: last_first, sampler_settings: {skip: 2}}
                hints: {policy: hint_after_failures, settings: {every: 1}, template: "{hints}{prompt}"}
                """);
        plugin(at, "LastFirst.java", LAST_FIRST, true);
        plugin(at, "HintAfterFailures.java", Files.readString(HINT_AFTER_FAILURES), true);
        Project p = load(at);
        assertEquals("last_first", p.steering().samplerNames().get(p.steering().samplerNames().size() - 1),
                "after the built-ins");
        assertEquals(List.of("none", "scaf_grpo", "hint_after_failures"), p.steering().hintPolicyNames());
        assertEquals(new SteeringChoices.Choice("last_first", "the last candidates of the data, after skipping some",
                true, "LastFirst.java"), p.steering().samplers().get(p.steering().samplers().size() - 1));
        assertEquals(new SteeringChoices.Choice("none", "no hints: every group sees the prompt as written", false, null),
                p.steering().hintPolicies().get(0));

        try (RunStore store = RunStore.open(dir.resolve("runs.db"))) {
            RunSummary s = new TrainingRun(p, store, e -> { }).start();
            assertEquals("done", s.status(), s.message());
            for (int step = 1; step <= 3; step++) {
                // the uniform sampler would walk an epoch: t0..t7 over two steps; this one skips t7 and t6 each time
                assertEquals(Set.of("t2", "t3", "t4", "t5"), drawn(store, s.runId(), step), "step " + step);
                // a random model fails every visit: the same four problems get one more hint each step (every: 1)
                int tier = step - 1;
                for (GroupRecord g : store.step(s.runId(), step).orElseThrow().groups()) {
                    assertEquals(tier, g.hintTier(), "step " + step + " " + g.promptId());
                    String hints = tier == 0 ? "" : tier == 1 ? "0+" : "0+ 0+0+";
                    assertEquals(hints + g.prompt(), g.renderedPrompt(), "the text the policy was sampled with");
                }
            }
        }
    }

    @Test
    void anUntrustedSamplerOrABadSettingIsRefusedAtLoadNamingTheFileLineAndField() throws Exception {
        Path at = project("q", """
                curriculum:
                  sampler: last_first
                  sampler_settings: {skip: -1}
                """);
        plugin(at, "LastFirst.java", LAST_FIRST, false);
        ProjectException untrusted = assertThrows(ProjectException.class, () -> load(at));
        assertTrue(untrusted.getMessage().startsWith(at.resolve("project.yaml") + ":9:"), untrusted.getMessage());
        assertEquals("curriculum.sampler", untrusted.field());
        assertTrue(untrusted.getMessage().contains("unknown prompt sampler 'last_first'"), untrusted.getMessage());
        assertTrue(untrusted.getMessage().contains("not loaded: plugins/LastFirst.java"), untrusted.getMessage());

        userTrust.trust().trust(PluginFile.of(at.resolve("plugins/LastFirst.java")));
        ProjectException bad = assertThrows(ProjectException.class, () -> load(at));
        assertEquals("curriculum.sampler_settings", bad.field());
        assertTrue(bad.getMessage().startsWith(at.resolve("project.yaml") + ":10:"), bad.getMessage());
        assertTrue(bad.getMessage().contains("skip"), bad.getMessage());
    }

    @Test
    void aLiveEditSwitchesToAPluginSamplerAtTheNextStep() throws Exception {
        Path at = project("r", "");
        plugin(at, "LastFirst.java", LAST_FIRST, true);
        Project p = load(at);
        Path storeFile = dir.resolve("runs-r.db");
        try (RunStore store = RunStore.open(storeFile)) {
            RunSummary s = new TrainingRun(p, store, e -> {
                if (e instanceof RunEvent.StepCompleted sc && sc.step().step() == 1) {
                    store.submitEdit(e.runId(), "set", "{\"key\": \"curriculum.sampler\", \"value\": \"last_first\"}",
                            "test");
                    store.submitEdit(e.runId(), "set",
                            "{\"key\": \"curriculum.sampler_settings.skip\", \"value\": 1}", "test");
                }
            }).start();
            assertEquals("done", s.status(), s.message());
            assertEquals(4, drawn(store, s.runId(), 1).size(), "uniform, before the edits");
            assertEquals(Set.of("t3", "t4", "t5", "t6"), drawn(store, s.runId(), 2), "the plugin's, skipping 1");
            assertEquals(Set.of("t3", "t4", "t5", "t6"), drawn(store, s.runId(), 3));
            for (EditRecord edit : store.edits(s.runId())) {
                assertEquals("applied", edit.status(), edit.reason());
                assertEquals(2, edit.step());
            }
        }
    }

    @Test
    void aReloadedPluginFileDrawsFromTheNextStepAndOneWithoutTheSamplerIsRefused() throws Exception {
        Path at = project("u", "curriculum: {sampler: last_first}\n");
        plugin(at, "LastFirst.java", LAST_FIRST, true);
        Project p = load(at);
        String renamed = LAST_FIRST.replace("return \"last_first\"", "return \"renamed\"");
        // the new version draws from the start of the data
        String fromTheStart = LAST_FIRST.replace("round.candidates().size() - 1 - skip", "round.count() - 1");
        try (RunStore store = RunStore.open(dir.resolve("runs-u.db"))) {
            RunSummary s = new TrainingRun(p, store, e -> {
                if (e instanceof RunEvent.StepCompleted sc && sc.step().step() < 3) {
                    try {
                        plugin(at, "LastFirst.java", sc.step().step() == 1 ? renamed : fromTheStart, true);
                    } catch (IOException io) {
                        throw new java.io.UncheckedIOException(io);
                    }
                    store.submitEdit(e.runId(), Edits.PLUGINS, "{}", "test");
                }
            }).start();
            assertEquals("done", s.status(), s.message());
            List<EditRecord> edits = store.edits(s.runId());
            assertEquals("refused", edits.get(0).status());
            assertTrue(edits.get(0).reason().startsWith("unknown prompt sampler 'last_first'; known: uniform"),
                    edits.get(0).reason());
            assertEquals("applied", edits.get(1).status(), edits.get(1).reason());
            assertEquals(Set.of("t4", "t5", "t6", "t7"), drawn(store, s.runId(), 1));
            assertEquals(Set.of("t4", "t5", "t6", "t7"), drawn(store, s.runId(), 2), "the old version goes on");
            assertEquals(Set.of("t0", "t1", "t2", "t3"), drawn(store, s.runId(), 3), "the new version's draws");
        }
    }

    @Test
    void aSamplerThatThrowsStopsTheRunAtThatStepNamingThePluginAndTheFixedOneResumesIt() throws Exception {
        Path at = project("s", "curriculum: {sampler: boom}\n");
        plugin(at, "Boom.java", BOOM, true);
        Project p = load(at);
        try (RunStore store = RunStore.open(dir.resolve("runs-s.db"))) {
            RunSummary s = new TrainingRun(p, store, e -> { }).start();
            assertEquals("failed", s.status());
            assertEquals("prompt sampler 'boom' (a plugin) failed in draw: exploded at step 2", s.message());
            assertTrue(store.step(s.runId(), 2).isEmpty(), "nothing of step 2 is stored");
            assertEquals("failed", store.run(s.runId()).orElseThrow().status());
            assertEquals(4, store.step(s.runId(), 1).orElseThrow().groups().size());

            // fixed (and trusted again, as its bytes changed), the run resumes from its step-1 checkpoint
            plugin(at, "Boom.java", BOOM.replace("round.step() == 2", "false"), true);
            RunSummary resumed = new TrainingRun(load(at), store, e -> { }).resume(s.runId());
            assertEquals("done", resumed.status(), resumed.message());
            assertEquals(3, store.metrics(s.runId()).size(), "steps 1 to 3, each once");
            assertEquals(4, store.step(s.runId(), 3).orElseThrow().groups().size());
        }
    }
}
