package org.grpowb.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;
import org.junit.jupiter.api.Test;

class ExactAnswerRewardTest {

    private static Example example(String answer) {
        return new Example("add-17", "37+45=", answer, Map.of());
    }

    private static ExactAnswerReward configured(boolean strict) {
        ExactAnswerReward r = new ExactAnswerReward();
        r.configure(Settings.resolve(r.settings(), Map.of("strict", strict), "test"));
        return r;
    }

    private static void assertScore(RewardFunction r, String completion, String answer, boolean correct) {
        RewardResult result = r.score(completion, example(answer));
        assertEquals(Map.of("exact_answer", correct ? 1.0 : 0.0), result.scores(), "'" + completion + "' vs " + answer);
        assertEquals(correct ? Verdict.CORRECT : Verdict.INCORRECT, result.verdict(), "'" + completion + "'");
    }

    @Test
    void strictByDefault() {
        ExactAnswerReward r = new ExactAnswerReward();
        assertEquals("exact_answer", r.name());
        assertEquals(List.of("exact_answer"), r.scoreNames());
        assertEquals(true, Settings.resolve(r.settings(), Map.of(), "test").flag("strict"));
        assertScore(r, "82abc", "82", false);
    }

    @Test
    void strictNeedsTheWholeCompletionToBeTheNumber() {
        ExactAnswerReward r = configured(true);
        assertScore(r, "82", "82", true);
        assertScore(r, "  82\n", "82", true);
        assertScore(r, "82", " 82 ", true);
        assertScore(r, "-7", "-7", true);
        assertScore(r, "7", "-7", false);
        assertScore(r, "-7", "7", false);
        assertScore(r, "83", "82", false);
        assertScore(r, "82abc", "82", false);
        assertScore(r, "x=82", "82", false);
        assertScore(r, "8 2", "82", false);
        assertScore(r, "+82", "82", false);
        assertScore(r, "", "82", false);
        assertScore(r, "   ", "0", false);
        assertScore(r, "--7", "-7", false);
        assertScore(r, "82.0", "82", false);
    }

    @Test
    void valuesAreComparedAsNumbers() {
        ExactAnswerReward r = configured(true);
        assertScore(r, "082", "82", true);
        assertScore(r, "-0", "0", true);
        assertScore(r, "0", "000", true);
        assertScore(r, "123456789012345678901234567890", "123456789012345678901234567890", true);
        assertScore(r, "123456789012345678901234567891", "123456789012345678901234567890", false);
    }

    @Test
    void lenientTakesTheLastInteger() {
        ExactAnswerReward r = configured(false);
        assertScore(r, "82abc", "82", true);
        assertScore(r, "37+45 is 82", "82", true);
        assertScore(r, "82 or maybe 81", "82", false);
        assertScore(r, "the answer: -7.", "-7", true);
        assertScore(r, "3-5", "-5", true);
        assertScore(r, "no digits here", "0", false);
        assertScore(r, "", "0", false);
        assertScore(r, "  82  ", "82", true);
    }

    @Test
    void malformedReferenceAnswerNamesTheExampleAndField() {
        for (String bad : new String[]{"abc", "", "8.5", "82abc", "+3"}) {
            for (boolean strict : new boolean[]{true, false}) {
                var e = assertThrows(IllegalArgumentException.class, () -> configured(strict).score("82", example(bad)));
                assertTrue(e.getMessage().contains("add-17") && e.getMessage().contains("answer"), e.getMessage());
            }
        }
    }
}
