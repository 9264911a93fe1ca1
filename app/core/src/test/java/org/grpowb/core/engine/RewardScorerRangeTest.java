package org.grpowb.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.ScoreRange;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;
import org.grpowb.core.project.Project;
import org.junit.jupiter.api.Test;

/** Reward functions declare their score range: it bounds the best attainable total and fails scores outside it. */
class RewardScorerRangeTest {

    /** Scores the completion's text as a number, declared to lie in [min, max]. */
    private record NumberReward(String name, ScoreRange range) implements RewardFunction {
        @Override
        public String description() {
            return "the completion read as a number";
        }

        @Override
        public ScoreRange scoreRange() {
            return range;
        }

        @Override
        public RewardResult score(String completion, Example example) {
            return RewardResult.of(name, Double.parseDouble(completion), Verdict.UNVERIFIED);
        }
    }

    private static final Example EXAMPLE = new Example("e1", "p", "a", Map.of());

    @Test
    void maxTotalTakesEachComponentAtTheEndOfItsRangeThatItsWeightFavours() {
        // 2 · 5 (positive weight: max of [-1, 5]) + (-0.5) · (-3) (negative weight: min of [-3, 4]) = 10 + 1.5
        try (RewardScorer scorer = new RewardScorer(List.of(
                new Project.RewardChoice(new NumberReward("a", new ScoreRange(-1, 5)), 2.0, Settings.empty()),
                new Project.RewardChoice(new NumberReward("b", new ScoreRange(-3, 4)), -0.5, Settings.empty())),
                1000)) {
            assertEquals(11.5, scorer.maxTotal(), 1e-12);
        }
    }

    @Test
    void withoutADeclarationTheRangeIsZeroToOne() {
        RewardFunction plain = new RewardFunction() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public String description() {
                return "";
            }

            @Override
            public RewardResult score(String completion, Example example) {
                return RewardResult.of("plain", 1, Verdict.CORRECT);
            }
        };
        try (RewardScorer scorer = new RewardScorer(List.of(new Project.RewardChoice(plain, 3.0, Settings.empty())),
                1000)) {
            assertEquals(3.0, scorer.maxTotal(), 1e-12);
        }
    }

    @Test
    void aScoreOutsideItsDeclaredRangeFailsThatRolloutOnly() {
        try (RewardScorer scorer = new RewardScorer(List.of(
                new Project.RewardChoice(new NumberReward("n", new ScoreRange(0, 2)), 1.0, Settings.empty())), 1000)) {
            List<RewardScorer.Scored> s = scorer.score(List.of(EXAMPLE, EXAMPLE, EXAMPLE), List.of("1.5", "2.5", "-0.1"));
            assertFalse(s.get(0).failed());
            assertEquals(1.5, s.get(0).components()[0], 0);
            assertTrue(s.get(1).failed(), "2.5 is above the declared maximum 2");
            assertEquals(0.0, s.get(1).components()[0], 0);
            assertTrue(s.get(2).failed(), "-0.1 is below the declared minimum 0");
        }
    }
}
