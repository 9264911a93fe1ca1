package org.grpowb.core.store;

import static org.grpowb.core.store.StepFixtures.assertSameStep;
import static org.grpowb.core.store.StepFixtures.count;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.PromptVisit;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version 2's rows: hint tiers, rendered prompts, edit versions on groups and rollouts; thin traces; prompt visits. */
class StoreHintsAndThinTracesTest {

    @TempDir
    Path dir;

    Path file;
    RunStore store;
    long runId;

    @BeforeEach
    void open() {
        file = dir.resolve("store.db");
        store = RunStore.open(file);
        runId = store.createRun("arith", "grpo", 42, "{}");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void hintTiersRenderedPromptsAndEditVersionsRoundTrip() {
        List<RolloutRecord> rollouts = List.of(
                rollout(0, Verdict.INCORRECT, -0.5, null, 1, null),
                rollout(1, Verdict.CORRECT, 0.5, null, 3, "<user>What is 12 + 30? Hint: 12 + 30 = 40 + 2</user>"));
        GroupRecord hinted = new GroupRecord(0, "ex-1", "What is 12 + 30?", "42", 0.5, rollouts, 1,
                "<user>What is 12 + 30? Hint: tens first</user>", 4);
        StepRecord step = new StepRecord(runId, StepFixtures.metrics(1), List.of(hinted));

        store.appendStep(step);
        StepRecord back = store.step(runId, 1).orElseThrow();

        assertSameStep(step, back);
        GroupRecord g = back.groups().get(0);
        assertEquals(1, g.hintTier());
        assertEquals("<user>What is 12 + 30? Hint: tens first</user>", g.renderedPrompt());
        assertEquals(4, g.editVersion());
        assertEquals(1, g.rollouts().get(0).hintTier());
        assertNull(g.rollouts().get(0).renderedPrompt(), "the group's prompt");
        assertEquals(3, g.rollouts().get(1).hintTier(), "a hinted replacement keeps its own tier");
        assertEquals("<user>What is 12 + 30? Hint: 12 + 30 = 40 + 2</user>", g.rollouts().get(1).renderedPrompt());
    }

    @Test
    void theOldConstructorsMeanNoHintNoEditAndAnUnknownPrompt() {
        GroupRecord g = new GroupRecord(0, "ex", "p", "a", 0, List.of(new RolloutRecord(0, "c", 1, Map.of(), false,
                Verdict.CORRECT, 0, true, false, null)));

        assertEquals(0, g.hintTier());
        assertNull(g.renderedPrompt());
        assertEquals(0, g.editVersion());
        assertEquals(0, g.rollouts().get(0).hintTier());
        assertNull(g.rollouts().get(0).renderedPrompt());
        assertFalse(g.rollouts().get(0).flipped());
    }

    @Test
    void aThinTraceKeepsItsTokenIdsBesideAFullOneInTheSameStep() {
        TokenTrace thin = TokenTrace.idsOnly(new int[] {17, 4, 50_256});
        TokenTrace full = new TokenTrace(new int[] {17, 5}, new float[] {-0.25f, -3f}, new float[] {1.5f, 0.5f},
                new float[] {0.5f, 0.5f}, new float[] {-0.2f, -3.1f}, new byte[] {0, 1}, new float[] {0.1f, 0.2f});
        StepRecord step = new StepRecord(runId, StepFixtures.metrics(1), List.of(new GroupRecord(0, "ex", "p", "a",
                0.5, List.of(rollout(0, Verdict.CORRECT, 0.5, thin, 0, null),
                rollout(1, Verdict.INCORRECT, -0.5, full, 0, null)))));

        store.appendStep(step);
        List<RolloutRecord> back = store.step(runId, 1).orElseThrow().groups().get(0).rollouts();

        TokenTrace thinBack = back.get(0).trace();
        assertFalse(thinBack.hasValues());
        assertArrayEquals(new int[] {17, 4, 50_256}, thinBack.tokenIds());
        assertEquals(3, thinBack.length());
        assertNull(thinBack.logProbs());
        assertNull(thinBack.entropies());
        assertNull(thinBack.advantages());
        assertNull(thinBack.currentLogProbs());
        assertNull(thinBack.clipped());
        assertNull(thinBack.thr());
        assertNull(thinBack.ratios());
        assertTrue(back.get(1).trace().hasValues());
        StepFixtures.assertSameTrace(full, back.get(1).trace());
        assertEquals(1, count(file, "SELECT COUNT(*) FROM token_traces WHERE logprobs IS NULL AND entropies IS NULL"
                + " AND advantages IS NULL AND current_logprobs IS NULL AND clipped IS NULL AND thr IS NULL"));
    }

    @Test
    void aTraceIsEitherFullOrThin() {
        int[] ids = {1, 2};
        float[] two = {0f, 0f};
        assertThrows(IllegalArgumentException.class, () -> new TokenTrace(ids, two, null, two));
        assertThrows(IllegalArgumentException.class, () -> new TokenTrace(ids, null, null, null, two, null, null));
        assertThrows(IllegalArgumentException.class, () -> new TokenTrace(ids, two, two, new float[1]));
        assertTrue(new TokenTrace(ids, two, two, two).hasValues());
    }

    @Test
    void promptVisitsCountEachGroupsCorrectRolloutsAndZeroAdvantagesByPromptThenStep() {
        // step 1: p-b, tier 0: correct, incorrect, correct with advantages 0.5, -1, 0.5
        //         p-a, tier 1: two incorrect, both advantages 0 (the group taught nothing)
        // step 2: p-a, tier 2 under edit 1: two correct, advantages 0 and -0
        //         p-c: no verdict and unverified; advantages NaN and 0 (NaN is not 0)
        //         a group without a prompt id, which has no visits
        store.appendStep(new StepRecord(runId, StepFixtures.metrics(1), List.of(
                group(0, "p-b", 0, 0, rollout(0, Verdict.CORRECT, 0.5, null, 0, null),
                        rollout(1, Verdict.INCORRECT, -1, null, 0, null), rollout(2, Verdict.CORRECT, 0.5, null, 0,
                                null)),
                group(1, "p-a", 1, 0, rollout(0, Verdict.INCORRECT, 0, null, 1, null),
                        rollout(1, Verdict.INCORRECT, 0, null, 1, null)))));
        store.appendStep(new StepRecord(runId, StepFixtures.metrics(2), List.of(
                group(0, "p-a", 2, 1, rollout(0, Verdict.CORRECT, 0, null, 2, null),
                        rollout(1, Verdict.CORRECT, -0.0, null, 2, null)),
                group(1, "p-c", 0, 1, rollout(0, null, Double.NaN, null, 0, null),
                        rollout(1, Verdict.UNVERIFIED, 0, null, 0, null)),
                group(2, null, 0, 1, rollout(0, Verdict.CORRECT, 0, null, 0, null)))));
        long other = store.createRun("arith", "grpo", 1, "{}");
        store.appendStep(new StepRecord(other, StepFixtures.metrics(1), List.of(
                group(0, "p-a", 0, 0, rollout(0, Verdict.CORRECT, 0, null, 0, null)))));

        assertEquals(List.of(
                new PromptVisit("p-a", 1, 1, 2, 0, true, 0),
                new PromptVisit("p-a", 2, 2, 2, 2, true, 1),
                new PromptVisit("p-b", 1, 0, 3, 2, false, 0),
                new PromptVisit("p-c", 2, 0, 2, 0, false, 1)), store.promptVisits(runId));
        assertEquals(List.of(new PromptVisit("p-a", 1, 0, 1, 1, true, 0)), store.promptVisits(other));
        assertEquals(List.of(), store.promptVisits(999));
    }

    private static GroupRecord group(int index, String promptId, int hintTier, int editVersion,
                                     RolloutRecord... rollouts) {
        return new GroupRecord(index, promptId, "prompt " + promptId, "42", 0.5, List.of(rollouts), hintTier, null,
                editVersion);
    }

    private static RolloutRecord rollout(int index, Verdict verdict, double advantage, TokenTrace trace, int hintTier,
                                         String renderedPrompt) {
        double reward = verdict == Verdict.CORRECT ? 1 : 0;
        return new RolloutRecord(index, "completion " + index, reward, Map.of("correct", reward), false, verdict,
                advantage, true, false, trace, false, hintTier, renderedPrompt);
    }
}
