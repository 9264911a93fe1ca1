package org.grpowb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;
import org.grpowb.core.store.RunStore;
import org.grpowb.tinygpt.CharCodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grpowb show} on a hand-built store: hint tiers, edit versions, rendered prompts and a thinned trace. */
class ShowCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path store;
    long runId;

    @BeforeEach
    void storeWithAHintedGroupAndAThinTrace() {
        store = dir.resolve("runs.db");
        int[] ids = CharCodec.INSTANCE.encode("42");
        TokenTrace thin = TokenTrace.idsOnly(ids);
        TokenTrace full = new TokenTrace(ids, new float[] {-0.5f, -1.5f}, new float[] {1f, 2f},
                new float[] {0.5f, 0.5f});
        List<RolloutRecord> rollouts = List.of(
                new RolloutRecord(0, "42", 1, Map.of("exact_answer", 1.0), false, Verdict.CORRECT, 0.5, true, false,
                        thin, false, 2, null),
                new RolloutRecord(1, "42", 1, Map.of("exact_answer", 1.0), false, Verdict.CORRECT, 0.5, true, false,
                        full, false, 3, "1+3= (hint: 40+2)"),
                new RolloutRecord(2, "", 0, Map.of(), false, null, -1, true, true, null, false));
        GroupRecord group = new GroupRecord(0, "p7", "40+2=", "42", 0.5, rollouts, 2, "40+2= (hint: tens)", 3);
        StepMetrics m = new StepMetrics(1, 0.5, 0.5, 0.5, 0.1, 0.01, 1.2, 0, 0, 100, 2, 0, false, 10, Map.of());
        try (RunStore s = RunStore.open(store)) {
            runId = s.createRun("tiny", "grpo", 1, "{\"model\":{\"name\":\"tiny-gpt\",\"settings\":{}}}");
            s.appendStep(new StepRecord(runId, m, List.of(group)));
        }
    }

    @Test
    void jsonGivesHintTiersEditVersionsAndAThinTracesTokenIdsWithoutValues() throws Exception {
        CliTest.Result r = CliTest.run("show", "--store", store.toString(), "--run", Long.toString(runId), "--step",
                "1", "--json");

        assertEquals(0, r.code(), r.err());
        JsonNode group = JSON.readTree(r.out()).path("groups").get(0);
        assertEquals(2, group.path("hint_tier").asInt());
        assertEquals(3, group.path("edit_version").asInt());
        assertEquals("40+2= (hint: tens)", group.path("rendered_prompt").asText());
        JsonNode thin = group.path("rollouts").get(0);
        assertEquals(2, thin.path("hint_tier").asInt());
        assertFalse(thin.has("rendered_prompt"), "the group's");
        assertFalse(thin.path("trace_values").asBoolean(true));
        assertEquals(2, thin.path("tokens").size());
        JsonNode token = thin.path("tokens").get(0);
        assertEquals(CharCodec.INSTANCE.encode("4")[0], token.path("id").asInt());
        assertEquals("4", token.path("text").asText());
        assertFalse(token.has("logprob") || token.has("entropy") || token.has("advantage"), token.toString());
        JsonNode full = group.path("rollouts").get(1);
        assertEquals(3, full.path("hint_tier").asInt());
        assertEquals("1+3= (hint: 40+2)", full.path("rendered_prompt").asText());
        assertTrue(full.path("trace_values").asBoolean(false));
        assertEquals(-1.5, full.path("tokens").get(1).path("logprob").asDouble(), 1e-6);
        JsonNode untraced = group.path("rollouts").get(2);
        assertEquals(0, untraced.path("tokens").size());
        assertTrue(untraced.path("verdict").isNull());
    }

    @Test
    void textSaysAThinTracesValuesWereNotKept() {
        CliTest.Result r = CliTest.run("show", "--store", store.toString(), "--run", Long.toString(runId), "--step",
                "1");

        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("hint tier 2") && r.out().contains("edit version 3"), r.out());
        assertTrue(r.out().contains("(values not kept: trace thinned) 4 | 2"), r.out());
        assertTrue(r.out().contains("lp=-1.500"), r.out());
    }
}
