package org.grpowb.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;
import org.junit.jupiter.api.Test;

/** OPMD's centred rewards (τ = 0) and AsymRE's shifted baseline (τ = −0.1) on hand-built groups. */
class ShiftedBaselineAdvantageTest {

    private static final double TOL = 1e-12;

    private static GroupAdvantages one(double shift, double... rewards) {
        List<GroupAdvantages> out = new ShiftedBaselineAdvantage(shift).advantages(List.of(RewardGroup.scalar("p", 1, rewards)));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void opmdCentresOnTheGroupMeanWithoutStd() {
        // rewards 1, 0, 0: mean 1/3, A = 2/3, −1/3, −1/3
        GroupAdvantages a = one(0, 1, 0, 0);
        assertArrayEquals(new double[]{2.0 / 3, -1.0 / 3, -1.0 / 3}, a.advantages(), TOL);
        assertEquals(1.0 / 3, a.baseline(), TOL);
        assertArrayEquals(new boolean[]{true, true, true}, a.keep());
    }

    @Test
    void asymreShiftsTheBaselineBelowTheMean() {
        // τ = −0.1: baseline 1/3 − 0.1 = 0.233333, A = 1 − 0.233333 = 0.766667, −0.233333, −0.233333
        GroupAdvantages a = one(-0.1, 1, 0, 0);
        assertArrayEquals(new double[]{2.0 / 3 + 0.1, -1.0 / 3 + 0.1, -1.0 / 3 + 0.1}, a.advantages(), TOL);
        assertArrayEquals(new double[]{0.766667, -0.233333, -0.233333}, a.advantages(), 1e-6);
        assertEquals(1.0 / 3 - 0.1, a.baseline(), TOL);
        // the shift moves the baseline, not the rewards
        assertArrayEquals(new double[]{1, 0, 0}, a.rewards(), 0.0);
    }

    @Test
    void twoRollouts() {
        // G = 2, rewards 1, 0: mean 0.5; OPMD ±0.5; AsymRE (τ = −0.1) 0.6, −0.4
        assertArrayEquals(new double[]{0.5, -0.5}, one(0, 1, 0).advantages(), TOL);
        assertArrayEquals(new double[]{0.6, -0.4}, one(-0.1, 1, 0).advantages(), TOL);
    }

    @Test
    void allEqualRewards() {
        // OPMD: exactly 0 (no rounding residue: 0.1 · 3 / 3 is not 0.1 in binary)
        GroupAdvantages opmd = one(0, 0.1, 0.1, 0.1);
        assertArrayEquals(new double[]{0, 0, 0}, opmd.advantages(), 0.0);
        assertTrue(opmd.allZero());
        // AsymRE: every rollout gets −τ = 0.1, a small push up of what was sampled; baseline 0 − 0.1
        GroupAdvantages asymre = one(-0.1, 0, 0);
        assertArrayEquals(new double[]{0.1, 0.1}, asymre.advantages(), 0.0);
        assertEquals(-0.1, asymre.baseline(), TOL);
        assertFalse(asymre.allZero());
        // a single rollout is centred on itself
        assertArrayEquals(new double[]{0.1}, one(-0.1, 1).advantages(), 0.0);
    }

    @Test
    void groupsKeepTheirOrderAndBadInputIsRefused() {
        List<GroupAdvantages> out = new ShiftedBaselineAdvantage(-0.1).advantages(List.of(
                RewardGroup.scalar("a", 1, 1, 0), RewardGroup.scalar("b", 1, 0, 1)));
        assertArrayEquals(new double[]{0.6, -0.4}, out.get(0).advantages(), TOL);
        assertArrayEquals(new double[]{-0.4, 0.6}, out.get(1).advantages(), TOL);
        var e = assertThrows(IllegalArgumentException.class, () -> new ShiftedBaselineAdvantage(-0.1)
                .advantages(List.of(RewardGroup.scalar("prompt-9", 1, 1, Double.NaN))));
        assertTrue(e.getMessage().contains("prompt-9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ShiftedBaselineAdvantage(Double.NaN));
    }
}
