package org.grpowb.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.RewardResult;
import org.grpowb.api.Settings;
import org.grpowb.api.Verdict;
import org.junit.jupiter.api.Test;

class AnswerFormatRewardTest {

    /** The format reward never reads the answer, so even a malformed one is fine here. */
    private static final Example EXAMPLE = new Example("add-17", "37+45=", "not looked at", Map.of());

    private static void assertScore(AnswerFormatReward r, String completion, double expected) {
        RewardResult result = r.score(completion, EXAMPLE);
        assertEquals(Map.of("answer_format", expected), result.scores(), "'" + completion + "'");
        assertEquals(Verdict.UNVERIFIED, result.verdict());
    }

    @Test
    void wellFormedIntegersScoreOne() {
        AnswerFormatReward r = new AnswerFormatReward();
        assertEquals("answer_format", r.name());
        for (String s : new String[]{"0", "7", "82", "-7", "-120", " 82 ", "\t82\n", "999999", "-999999"}) {
            assertScore(r, s, 1.0);
        }
    }

    @Test
    void anythingElseScoresZero() {
        AnswerFormatReward r = new AnswerFormatReward();
        for (String s : new String[]{"", "   ", "-", "082", "00", "-0", "-07", "+82", "82abc", "8 2", "82.0", "--7",
                "eighty-two", "1234567", "-1234567", "٨٢"}) {
            assertScore(r, s, 0.0);
        }
    }

    @Test
    void maxDigitsIsASetting() {
        AnswerFormatReward r = new AnswerFormatReward();
        assertEquals(6, Settings.resolve(r.settings(), Map.of(), "test").integer("max_digits"));
        r.configure(Settings.resolve(r.settings(), Map.of("max_digits", 2), "test"));
        assertScore(r, "82", 1.0);
        assertScore(r, "-82", 1.0);
        assertScore(r, "100", 0.0);
        assertThrows(IllegalArgumentException.class, () -> Settings.resolve(r.settings(), Map.of("max_digits", 0), "test"));
    }
}
