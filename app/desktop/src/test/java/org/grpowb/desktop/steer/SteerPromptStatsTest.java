package org.grpowb.desktop.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.core.run.PromptVisit;
import org.junit.jupiter.api.Test;

/** The per-prompt table built by hand from visits, as the store lists them (by prompt, then step). */
class SteerPromptStatsTest {

    @Test
    void aPromptsVisitsAddUpToItsRow() {
        // p1: 4 rollouts per group, 1 then 4 then 0 correct; the last two groups taught nothing (all right, all wrong)
        List<PromptStats.Row> rows = PromptStats.rows(List.of(
                new PromptVisit("p1", 1, 0, 4, 1, false, 0),
                new PromptVisit("p1", 3, 1, 4, 4, true, 0),
                new PromptVisit("p1", 5, 2, 4, 0, true, 1),
                new PromptVisit("p2", 2, 0, 4, 2, false, 0)));
        assertEquals(2, rows.size());
        PromptStats.Row p1 = rows.get(0);
        assertEquals("p1", p1.promptId());
        assertEquals(3, p1.visits());
        assertEquals(2, p1.lastTier(), "the tier of the newest visit");
        assertEquals(5.0 / 12, p1.successRate(), 1e-12);
        assertEquals(List.of(0.25, 1.0, 0.0), p1.success());
        assertEquals(2, p1.zeroStreak());
        assertTrue(p1.stuck());
        assertEquals("▃█▁", p1.sparkline());
        PromptStats.Row p2 = rows.get(1);
        assertEquals(0, p2.zeroStreak());
        assertFalse(p2.stuck());
        assertEquals(List.of(p1), PromptStats.stuck(rows));
    }

    @Test
    void aStreakCountsOnlyTheNewestVisitsInStepOrder() {
        // out of step order on purpose: the streak is read from the newest step back, and a learning visit ends it
        List<PromptStats.Row> rows = PromptStats.rows(List.of(
                new PromptVisit("q", 9, 0, 2, 2, true, 0),
                new PromptVisit("q", 4, 0, 2, 1, false, 0),
                new PromptVisit("q", 7, 0, 2, 1, false, 0)));
        PromptStats.Row q = rows.get(0);
        assertEquals(1, q.zeroStreak(), "one zero-advantage visit after a learning one is not stuck yet");
        assertFalse(q.stuck());
        assertEquals(List.of(0.5, 0.5, 1.0), q.success());
    }

    @Test
    void aGroupWithoutRolloutsHasNoSuccessRate() {
        PromptStats.Row r = PromptStats.rows(List.of(new PromptVisit("z", 1, 0, 0, 0, true, 0))).get(0);
        assertTrue(Double.isNaN(r.successRate()));
        assertEquals("▁", r.sparkline());
    }
}
