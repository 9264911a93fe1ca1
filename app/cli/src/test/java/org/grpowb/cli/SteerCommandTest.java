package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.grpowb.core.store.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grpowb steer} against a live {@code grpowb train} in another process, headless: the run applies the CLI's
 * edits at its next step boundaries, refuses a bad one and goes on, and its later rollouts are sampled with the new
 * hint tier; {@code grpowb edits} and {@code grpowb show} report it.
 */
class SteerCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theCliSteersALiveRun() throws Exception {
        Path project = project(dir.resolve("steered"));
        Path storeFile = dir.resolve("runs.db");
        Path err = dir.resolve("child.err");
        Process child = TrainSignalTest.startTraining(project, storeFile, err, dir.resolve("child.out"));
        try {
            long run = waitForStep(child, storeFile, err, 1);
            String store = storeFile.toString();
            String id = Long.toString(run);
            CliTest.Result policy = CliTest.run("steer", "--store", store, "--run", id, "--set",
                    "hints.policy=scaf_grpo", "--wait", "120");
            assertEquals(0, policy.code(), policy.err() + policy.out());
            assertTrue(policy.out().contains("applied before step"), policy.out());
            Path hints = dir.resolve("hints.jsonl");
            Files.writeString(hints, "{\"id\": \"p0\", \"hints\": [\"1+\", \"1+1+\"]}\n");
            CliTest.Result file = CliTest.run("steer", "--store", store, "--run", id, "--hints", hints.toString(),
                    "--wait", "120");
            assertEquals(0, file.code(), file.err() + file.out());
            CliTest.Result settings = CliTest.run("steer", "--store", store, "--run", id, "--set",
                    "hints.settings={\"warmup_steps\": 0, \"escalate_after\": 1}", "--wait", "120");
            assertEquals(0, settings.code(), settings.err() + settings.out());
            CliTest.Result bad = CliTest.run("steer", "--store", store, "--run", id, "--set",
                    "training.group_size=4", "--wait", "120");
            assertEquals(1, bad.code(), "a refused edit fails the command: " + bad.out());
            assertTrue(bad.err().contains("cannot be changed while a run trains"), bad.err() + "|" + bad.out());
            CliTest.Result badFile = CliTest.run("steer", "--store", store, "--run", id, "--hints",
                    project.resolve("data.jsonl").toString());
            assertEquals(2, badFile.code(), "a malformed hints file is refused before it reaches the run");
            assertTrue(badFile.err().contains("data.jsonl:11: field 'hints'"), badFile.err());

            JsonNode edits = JSON.readTree(CliTest.run("edits", "--store", store, "--run", id, "--json").out());
            assertEquals(4, edits.size());
            assertEquals(List.of("applied", "applied", "applied", "refused"), statuses(edits));
            int policyStep = edits.get(0).path("step").asInt();
            int settingsStep = edits.get(2).path("step").asInt();
            assertEquals(3, edits.get(2).path("version").asInt());

            // before the policy was switched on nothing was hinted; every visit of the random model is all wrong, so
            // once Scaf-GRPO is on (past its warm-up) a problem's next visit is hinted
            int later = waitForStep(child, storeFile, err, settingsStep + 2) == run ? settingsStep + 2 : -1;
            JsonNode before = show(store, id, policyStep - 1);
            JsonNode after = show(store, id, later);
            before.path("groups").forEach(g -> assertEquals(0, g.path("hint_tier").asInt(), g.toString()));
            int hinted = 0;
            for (JsonNode g : after.path("groups")) {
                assertEquals(3, g.path("edit_version").asInt());
                if (g.path("hint_tier").asInt() > 0) {
                    hinted++;
                    assertTrue(g.path("rendered_prompt").asText().startsWith("1+")
                            || g.path("rendered_prompt").asText().startsWith("0+"), g.toString());
                }
            }
            assertTrue(hinted > 0, "later groups are hinted: " + after);
        } finally {
            child.destroy();
            child.waitFor(120, TimeUnit.SECONDS);
        }
    }

    private static List<String> statuses(JsonNode edits) {
        List<String> out = new ArrayList<>();
        edits.forEach(e -> out.add(e.path("status").asText()));
        return out;
    }

    private static JsonNode show(String store, String run, int step) throws Exception {
        CliTest.Result r = CliTest.run("show", "--store", store, "--run", run, "--step", Integer.toString(step),
                "--json");
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    /** Waits until the child's run has stored step {@code step}; returns the run's id. */
    private static long waitForStep(Process child, Path storeFile, Path err, int step) throws Exception {
        TrainSignalTest.stepsStored(child, storeFile, err, step);
        try (RunStore store = RunStore.open(storeFile)) {
            return store.runs().get(0).id();
        }
    }

    /** Ten problems with two hint tiers each, two a step, on a randomly initialised character model. */
    private static Path project(Path project) throws Exception {
        Files.createDirectories(project);
        Random r = new Random(7);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            int a = r.nextInt(5);
            int b = r.nextInt(5);
            lines.add("{\"id\":\"p" + i + "\",\"prompt\":\"" + a + "+" + b + "=\",\"answer\":\"" + (a + b) + "\""
                    + (i >= 10 ? ",\"split\":\"eval\"" : ",\"hints\":[\"0+\",\"0+0+\"]") + "}");
        }
        Files.write(project.resolve("data.jsonl"), lines);
        Files.writeString(project.resolve("project.yaml"), """
                name: steered
                data: {file: data.jsonl}
                model: {name: tiny-gpt, settings: {layers: 1, width: 32, heads: 2, context: 16}}
                variant: {name: grpo}
                rewards:
                  - {name: exact_answer, weight: 1.0}
                hints: {template: "{hints}{prompt}"}
                training: {steps: 5000, prompts_per_step: 2, group_size: 4, max_new_tokens: 3, eval_every: 0,
                           eval_examples: 2, checkpoint_every: 50}
                """);
        return project;
    }
}
