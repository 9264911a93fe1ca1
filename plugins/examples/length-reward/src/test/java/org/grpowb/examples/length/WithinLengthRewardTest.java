package org.grpowb.examples.length;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

/** Full reward up to max_chars, linear down to 0 at twice that, by hand: max_chars 4 → "abcdef" (6) scores 2 − 6/4. */
class WithinLengthRewardTest {

    private static final Example EXAMPLE = new Example("e", "p", "a", Map.of());

    private static double score(WithinLengthReward r, String completion) {
        return r.score(completion, EXAMPLE).scores().get("within_length");
    }

    @Test
    void fullWithinTheBudgetThenLinearToZeroAtTwiceIt() {
        WithinLengthReward r = new WithinLengthReward();
        r.configure(Settings.resolve(r.settings(), Map.of("max_chars", 4), "test"));
        assertEquals(1.0, score(r, "  abcd \n"));
        assertEquals(0.5, score(r, "abcdef"));
        assertEquals(0.0, score(r, "abcdefgh"));
        assertEquals(0.0, score(r, "abcdefghijkl"));
    }

    @Test
    void theDefaultBudgetIsTwelveCharacters() {
        WithinLengthReward r = new WithinLengthReward();
        r.configure(Settings.resolve(r.settings(), Map.of(), "test"));
        assertEquals(1.0, score(r, "123456789012"));
        assertEquals(11.0 / 12, score(r, "1234567890123"), 1e-12);
    }
}
