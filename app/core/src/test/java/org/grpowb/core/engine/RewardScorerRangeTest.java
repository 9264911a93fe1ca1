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
    void aLengthBudgetAddsItsTermAgainstTheStepsBudget() {
        try (RewardScorer scorer = new RewardScorer(List.of(
                new Project.RewardChoice(new NumberReward("a", new ScoreRange(-1, 5)), 2.0, Settings.empty())), 1000,
                true)) {
            assertEquals(List.of("a", RewardScorer.LENGTH_BUDGET), scorer.componentNames());
            // within budget 0; 6 tokens against 4: -(6 - 4)/4; 12 against 4 is clipped at -1
            List<RewardScorer.Scored> s = scorer.score(List.of(EXAMPLE, EXAMPLE, EXAMPLE), List.of("1", "1", "1"),
                    new int[] {3, 6, 12}, 4);
            assertEquals(0.0, s.get(0).components()[1]);
            assertEquals(-0.5, s.get(1).components()[1]);
            assertEquals(-1.0, s.get(2).components()[1]);
            assertEquals(2.0 - 0.5, scorer.total(s.get(1).components()), 1e-12);
            assertEquals(-0.5, s.get(1).named().get(RewardScorer.LENGTH_BUDGET));
            // the best total is unchanged by a term whose best is 0
            assertEquals(10.0, scorer.maxTotal(), 1e-12);
            // no budget given (evaluation): no term
            assertEquals(0.0, scorer.score(List.of(EXAMPLE), List.of("1")).get(0).components()[1]);
        }
    }

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
