package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.junit.jupiter.api.Test;

/** RLOO's leave-one-out baseline on hand-built groups: A_i = r_i − mean of the others = G/(G − 1) (r_i − mean(r)). */
class LeaveOneOutAdvantageTest {

    private static final double TOL = 1e-12;

    private static GroupAdvantages one(RewardGroup g) {
        List<GroupAdvantages> out = new LeaveOneOutAdvantage().advantages(List.of(g));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void singleCorrectRolloutOfFour() {
        // rewards 1, 0, 0, 0: rollout 0 against the others' mean 0 → 1; each wrong one against (1 + 0 + 0)/3 → −1/3.
        // The same from 4/3 · (r − 0.25) = 4/3 · 0.75, 4/3 · (−0.25). (GRPO without std: 0.75, −0.25.)
        GroupAdvantages a = one(RewardGroup.scalar("p", 1, 1, 0, 0, 0));
        assertArrayEquals(new double[]{1, -1.0 / 3, -1.0 / 3, -1.0 / 3}, a.advantages(), TOL);
        assertEquals(0.25, a.baseline(), TOL);
        assertArrayEquals(new double[]{1, 0, 0, 0}, a.rewards(), 0.0);
        assertArrayEquals(new boolean[]{true, true, true, true}, a.keep());
    }

    @Test
    void gradedRewards() {
        // 0.9, 0.5, 0.1: 0.9 − (0.5 + 0.1)/2 = 0.6, 0.5 − (0.9 + 0.1)/2 = 0, 0.1 − (0.9 + 0.5)/2 = −0.6
        assertArrayEquals(new double[]{0.6, 0, -0.6}, one(RewardGroup.scalar("p", 1, 0.9, 0.5, 0.1)).advantages(), TOL);
    }

    @Test
    void twoRolloutsCompareWithEachOther() {
        // G = 2: each rollout's baseline is the other's reward, A = ±1 (twice GRPO's centred ±0.5)
        assertArrayEquals(new double[]{1, -1}, one(RewardGroup.scalar("p", 1, 1, 0)).advantages(), TOL);
    }

    @Test
    void weightedComponentsAreSummedFirst() {
        // (correct, format) weights (1, 0.5): totals 1.5 and 0.5; A = 2 · (±0.5) = ±1, baseline 1, r̃ the totals
        RewardGroup g = new RewardGroup("p", List.of("correct", "format"), new double[][]{{1, 1}, {0, 1}},
                new double[]{1, 0.5}, 1.5);
        GroupAdvantages a = one(g);
        assertArrayEquals(new double[]{1, -1}, a.advantages(), TOL);
        assertEquals(1.0, a.baseline(), TOL);
        assertArrayEquals(new double[]{1.5, 0.5}, a.rewards(), TOL);
    }

    @Test
    void aLoneRolloutAndAnAllEqualGroupGetExactlyZero() {
        GroupAdvantages lone = one(RewardGroup.scalar("p", 1, 1));
        assertArrayEquals(new double[]{0}, lone.advantages(), 0.0);
        assertEquals(1.0, lone.baseline(), 0.0);
        // 0.1 · 3 / 3 is not 0.1 in binary: equality, not arithmetic, decides
        GroupAdvantages equal = one(RewardGroup.scalar("p", 1, 0.1, 0.1, 0.1));
        assertArrayEquals(new double[]{0, 0, 0}, equal.advantages(), 0.0);
        assertTrue(equal.allZero());
    }

    @Test
    void groupsKeepTheirOrderAndNonFiniteRewardsAreRefused() {
        List<GroupAdvantages> out = new LeaveOneOutAdvantage().advantages(List.of(
                RewardGroup.scalar("a", 1, 1, 0), RewardGroup.scalar("b", 1, 0, 0, 1)));
        assertArrayEquals(new double[]{1, -1}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{-0.5, -0.5, 1}, out.get(1).advantages(), TOL);
        var e = assertThrows(IllegalArgumentException.class, () -> new LeaveOneOutAdvantage()
                .advantages(List.of(RewardGroup.scalar("prompt-4", 1, 1, Double.NaN))));
        assertTrue(e.getMessage().contains("prompt-4"), e.getMessage());
    }
}
