package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CurriculumLengthBudgetTest {

    @Test
    void theBudgetShrinksLinearlyFromFirstToLastStep() {
        LengthBudget b = new LengthBudget(64, 16);
        // 64 − 48 · (s − 1)/4
        assertEquals(List.of(64, 52, 40, 28, 16), IntStream.rangeClosed(1, 5).map(s -> b.budget(s, 5)).boxed().toList());
        // 10 − 7 · (s − 1)/3 = 10, 7.67, 5.33, 3 → rounded 10, 8, 5, 3
        LengthBudget c = new LengthBudget(10, 3);
        assertEquals(List.of(10, 8, 5, 3), IntStream.rangeClosed(1, 4).map(s -> c.budget(s, 4)).boxed().toList());
        assertEquals(64, b.budget(1, 1), "a one-step run keeps B_0");
        assertEquals(16, b.budget(9, 5), "past the last step stays at B_min");
    }

    @Test
    void thePenaltyGrowsWithTheOvershootAndStopsAtMinusOne() {
        assertEquals(0.0, LengthBudget.penalty(5, 10));
        assertEquals(0.0, LengthBudget.penalty(10, 10));
        assertEquals(-0.25, LengthBudget.penalty(10, 8));   // 2 over a budget of 8
        assertEquals(-1.0, LengthBudget.penalty(20, 10));
        assertEquals(-1.0, LengthBudget.penalty(30, 10));   // clipped
    }

    @Test
    void aBudgetThatGrowsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LengthBudget(16, 64));
        assertThrows(IllegalArgumentException.class, () -> new LengthBudget(8, 0));
    }
}
