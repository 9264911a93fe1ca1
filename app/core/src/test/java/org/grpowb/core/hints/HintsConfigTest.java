package org.grpowb.core.hints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.HintPolicy.Choice;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.PromptHistory.Visit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintsConfigTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private static JsonNode hints(String yaml) throws IOException {
        return YAML.readTree(yaml).get("hints");
    }

    @Test
    void readsTheSection() throws IOException {
        Files.writeString(dir.resolve("hints.jsonl"), "");
        HintsConfig c = HintsConfig.parse(hints("""
                hints:
                  policy: scaf_grpo
                  settings: {warmup_steps: 5, replace_one_rollout: true}
                  file: hints.jsonl
                  template: "Hint: {hints}\\n{prompt}"
                """), dir, "project.yaml");
        assertEquals("scaf_grpo", c.policy());
        // every declared setting, the one not given at its default
        assertEquals(Map.of("warmup_steps", 5, "escalate_after", 2, "replace_one_rollout", true), c.settings());
        assertEquals(dir.resolve("hints.jsonl").toAbsolutePath().normalize(), c.file());
        assertEquals("Hint: {hints}\n{prompt}", c.template());
    }

    @Test
    void noSectionIsNoHints() throws IOException {
        HintsConfig none = HintsConfig.parse(hints("name: x\n"), dir, "project.yaml");
        assertEquals(HintsConfig.NONE, none);
        assertEquals("none", none.policy());
        assertNull(none.file());
        assertEquals(HintedPrompt.DEFAULT_TEMPLATE, none.template());
        assertEquals(HintsConfig.NONE, HintsConfig.parse(hints("hints:\n"), dir, "project.yaml"));
        assertEquals(HintsConfig.NONE, HintsConfig.parse(hints("hints: {}\n"), dir, "project.yaml"));
    }

    @Test
    void errorsNameTheJsonPath() {
        assertError("hints: {polcy: scaf_grpo}", "/hints/polcy",
                "project.yaml: /hints/polcy: unknown key; known: [file, policy, settings, template]");
        assertError("hints: {policy: scaf}", "/hints/policy",
                "project.yaml: /hints/policy: unknown hint policy 'scaf'; known: [none, scaf_grpo]");
        assertError("hints: {policy: scaf_grpo, settings: {escalate_after: 0}}", "/hints/settings/escalate_after",
                "project.yaml: /hints/settings/escalate_after: 'escalate_after' must be in [1, 16], got 0");
        assertError("hints: {policy: scaf_grpo, settings: {warmup: 3}}", "/hints/settings/warmup",
                "project.yaml: /hints/settings/warmup: unknown setting; known: [escalate_after, "
                        + "replace_one_rollout, warmup_steps]");
        assertError("hints: {settings: {warmup_steps: 3}}", "/hints/settings/warmup_steps",
                "project.yaml: /hints/settings/warmup_steps: unknown setting; known: []");
        assertError("hints: {template: 'Hint: {hints}'}", "/hints/template",
                "project.yaml: /hints/template: hints.template: must contain both {hints} and {prompt}, "
                        + "got 'Hint: {hints}'");
        assertError("hints: [scaf_grpo]", "/hints", "project.yaml: /hints: must be a mapping, got ARRAY");
        assertError("hints: {policy: 3}", "/hints/policy", "project.yaml: /hints/policy: must be a string, got NUMBER");
    }

    @Test
    void aMissingFileIsRefused() {
        HintsConfigException e = assertThrows(HintsConfigException.class,
                () -> HintsConfig.parse(hints("hints: {file: nowhere.jsonl}"), dir, "project.yaml"));
        assertEquals("/hints/file", e.pointer());
        assertEquals("no such file: " + dir.resolve("nowhere.jsonl").toAbsolutePath().normalize(), e.problem());
    }

    private void assertError(String yaml, String pointer, String message) {
        HintsConfigException e = assertThrows(HintsConfigException.class,
                () -> HintsConfig.parse(hints(yaml), dir, "project.yaml"));
        assertEquals(message, e.getMessage());
        assertEquals(pointer, e.pointer());
    }

    @Test
    void toJsonReadsBackToTheSameConfig() throws IOException {
        Files.writeString(dir.resolve("h.jsonl"), "");
        HintsConfig c = HintsConfig.parse(hints("""
                hints:
                  policy: scaf_grpo
                  settings: {escalate_after: 3}
                  file: h.jsonl
                  template: "{prompt} (hint: {hints})"
                """), dir, "project.yaml");
        JsonNode json = c.toJson();
        assertEquals(3, json.get("settings").get("escalate_after").intValue());
        assertEquals(c, HintsConfig.parse(json, dir.resolve("elsewhere"), "edits"));
        assertEquals(HintsConfig.NONE, HintsConfig.parse(HintsConfig.NONE.toJson(), dir, "edits"));
    }

    /** The configured policy behaves as its settings say: warm-up 5, K = 1, replacement. */
    @Test
    void newPolicyIsConfigured() throws IOException {
        HintsConfig c = HintsConfig.parse(hints(
                "hints: {policy: scaf_grpo, settings: {warmup_steps: 5, escalate_after: 1, replace_one_rollout: true}}"),
                dir, "project.yaml");
        HintPolicy p = c.newPolicy();
        PromptHistory failedOnce = new PromptHistory("p", 1, List.of(new Visit(1, 0, 0, 8, 0, false, 0, true)));
        Example e = new Example("p", "1+1=", "2", Map.of());
        assertEquals(Choice.NONE, p.choose(new HintPolicy.Request(5, e, 3, failedOnce)));
        assertEquals(new Choice(0, 1), p.choose(new HintPolicy.Request(6, e, 3, failedOnce)));
    }
}
