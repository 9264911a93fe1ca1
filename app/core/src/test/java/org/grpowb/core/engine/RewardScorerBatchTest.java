package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;
import org.grpowb.core.project.Project;
import org.junit.jupiter.api.Test;

/**
 * A batched reward (a Python worker's) is called once per batch, time-boxed as a whole: a null entry fails only its
 * rollout, a throw or a timeout fails the whole batch; failures are counted per function for the run's pause rule.
 */
class RewardScorerBatchTest {

    private static final Example EXAMPLE = new Example("e1", "p", "7", Map.of());

    /** 1 for "7", 0 otherwise, null for "none"; throws on "boom"; sleeps on "slow". Counts its calls. */
    private static final class BatchReward implements RewardFunction {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "batch";
        }

        @Override
        public String description() {
            return "scores a whole batch at once";
        }

        @Override
        public boolean batched() {
            return true;
        }

        @Override
        public RewardResult score(String completion, Example example) {
            throw new AssertionError("a batched reward is called by batch");
        }

        @Override
        public List<RewardResult> scoreBatch(List<String> completions, List<Example> examples) {
            calls.incrementAndGet();
            List<RewardResult> out = new ArrayList<>();
            for (String c : completions) {
                if (c.equals("boom")) {
                    throw new IllegalStateException("worker died");
                }
                if (c.equals("slow")) {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                out.add(c.equals("none") ? null : RewardResult.of("batch", c.equals("7") ? 1 : 0, Verdict.UNVERIFIED));
            }
            return out;
        }
    }

    private static List<Example> examples(int n) {
        return java.util.Collections.nCopies(n, EXAMPLE);
    }

    @Test
    void oneCallPerBatchAndANullFailsOnlyItsRollout() {
        BatchReward f = new BatchReward();
        try (RewardScorer scorer = new RewardScorer(List.of(new Project.RewardChoice(f, 1.0, Settings.empty())), 2000)) {
            List<RewardScorer.Scored> s = scorer.score(examples(3), List.of("7", "none", "3"));
            assertEquals(1, f.calls.get());
            assertEquals(1.0, s.get(0).components()[0]);
            assertFalse(s.get(0).failed());
            assertTrue(s.get(1).failed());
            assertTrue(s.get(1).failures().get("batch").contains("returned no score"), s.get(1).failures().toString());
            assertEquals(0.0, s.get(2).components()[0]);
            assertFalse(s.get(2).failed());
            // one of three failed: a share of 1/3 passes at 0.5, and not at 0.25
            RewardScorer.requireFailureShareAtMost(s, 0.5);
            RewardFailuresException e = assertThrows(RewardFailuresException.class,
                    () -> RewardScorer.requireFailureShareAtMost(s, 0.25));
            assertEquals("reward 'batch' failed on 1 of 3 rollouts (first: returned no score (None, or not a finite "
                    + "number))", e.getMessage());
        }
    }

    @Test
    void aThrowOrATimeoutFailsTheWholeBatch() {
        BatchReward f = new BatchReward();
        try (RewardScorer scorer = new RewardScorer(List.of(new Project.RewardChoice(f, 1.0, Settings.empty())), 300)) {
            List<RewardScorer.Scored> thrown = scorer.score(examples(3), List.of("7", "boom", "7"));
            assertTrue(thrown.stream().allMatch(RewardScorer.Scored::failed));
            assertTrue(thrown.get(0).failures().get("batch").contains("worker died"));
            assertEquals(thrown.get(0).failures(), thrown.get(2).failures());
            List<RewardScorer.Scored> late = scorer.score(examples(2), List.of("7", "slow"));
            assertTrue(late.stream().allMatch(RewardScorer.Scored::failed));
            assertEquals("timed out after 300 ms", late.get(0).failures().get("batch"));
            assertEquals("timed out after 300 ms", late.get(1).failures().get("batch"));
            assertThrows(RewardFailuresException.class, () -> RewardScorer.requireFailureShareAtMost(late, 0.5));
        }
    }
}
