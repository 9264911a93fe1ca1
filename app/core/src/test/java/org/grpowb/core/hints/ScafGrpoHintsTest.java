package org.grpowb.core.hints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.HintPolicy.Choice;
import org.grpowb.api.HintPolicy.Request;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.PromptHistory.Visit;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

/**
 * Scaf-GRPO's tier rule on scripted histories: groups of 8, written oldest first. {@code wrong(t)} is an all-wrong
 * group at tier t, {@code right(t, c)} one with c correct.
 */
class ScafGrpoHintsTest {

    private static final Example PROBLEM = new Example("p", "Mia has 3 coins. She finds 2 more. How many?", "5",
            Map.of());

    private static Visit wrong(int tier) {
        return new Visit(0, tier, 0, 8, 0, false, 0, true);
    }

    private static Visit right(int tier, int correct) {
        return new Visit(0, tier, 0, 8, correct, false, correct / 8.0, correct == 8);
    }

    /** Replacement mode: the group at tier 0, one rollout replaced at {@code hinted}. */
    private static Visit replaced(int hinted, int correct, boolean hintedCorrect) {
        return new Visit(0, 0, hinted, 8, correct, hintedCorrect, correct / 8.0, correct == 0 || correct == 8);
    }

    private static ScafGrpoHints policy(int warmup, int k, boolean replace) {
        ScafGrpoHints p = new ScafGrpoHints();
        p.configure(Settings.resolve(p.settings(), Map.of("warmup_steps", warmup, "escalate_after", k,
                "replace_one_rollout", replace), "test"));
        return p;
    }

    private static Choice choose(ScafGrpoHints p, int step, int tiers, Visit... visits) {
        List<Visit> recent = new ArrayList<>(List.of(visits));
        return p.choose(new Request(step, PROBLEM, tiers, new PromptHistory("p", recent.size(), recent)));
    }

    private static Choice group(int tier) {
        return new Choice(tier, 0);
    }

    @Test
    void declaresItsSettingsWithOurDefaults() {
        ScafGrpoHints p = new ScafGrpoHints();
        assertEquals("scaf_grpo", p.name());
        assertEquals(List.of("warmup_steps", "escalate_after", "replace_one_rollout"),
                p.settings().stream().map(SettingSpec::name).toList());
        Settings defaults = Settings.resolve(p.settings(), Map.of(), "test");
        assertEquals(Map.of("warmup_steps", 10, "escalate_after", 2, "replace_one_rollout", false),
                defaults.values());
        // K beyond the engine's 16-visit window could never be observed
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(new Settings(Map.of("escalate_after", 17))));
        assertTrue(e.getMessage().contains("'escalate_after' must be in [1, 16], got 17"), e.getMessage());
    }

    @Test
    void aPromptNeverVisitedGetsNoHint() {
        assertEquals(Choice.NONE, choose(policy(0, 2, false), 50, 3));
        assertEquals(Choice.NONE, choose(policy(0, 2, true), 50, 3));
    }

    /** warmup_steps 10: steps 1..10 are plain whatever the history; step 11 acts on the warm-up's visits. */
    @Test
    void noHintDuringTheWarmUpThenItsVisitsCount() {
        ScafGrpoHints p = policy(10, 2, false);
        Visit[] failedTwice = {wrong(0), wrong(0)};
        assertEquals(Choice.NONE, choose(p, 1, 3, failedTwice));
        assertEquals(Choice.NONE, choose(p, 10, 3, failedTwice));
        assertEquals(group(1), choose(p, 11, 3, failedTwice));
    }

    @Test
    void escalatesAfterExactlyKAllWrongVisitsAtTheCurrentTier() {
        ScafGrpoHints k2 = policy(0, 2, false);
        assertEquals(group(0), choose(k2, 5, 3, wrong(0)));
        assertEquals(group(1), choose(k2, 5, 3, wrong(0), wrong(0)));
        // the streak restarts at the new tier: the two tier-0 failures do not count towards tier 2
        assertEquals(group(1), choose(k2, 5, 3, wrong(0), wrong(0), wrong(1)));
        assertEquals(group(2), choose(k2, 5, 3, wrong(0), wrong(0), wrong(1), wrong(1)));

        ScafGrpoHints k3 = policy(0, 3, false);
        assertEquals(group(0), choose(k3, 5, 3, wrong(0), wrong(0)));
        assertEquals(group(1), choose(k3, 5, 3, wrong(0), wrong(0), wrong(0)));
        // a success breaks the streak: two failures since it are not three
        assertEquals(group(0), choose(k3, 5, 3, wrong(0), wrong(0), right(0, 1), wrong(0), wrong(0)));
    }

    @Test
    void stopsAtTheProblemsTopTier() {
        ScafGrpoHints p = policy(0, 2, false);
        assertEquals(group(3), choose(p, 5, 3, wrong(2), wrong(2)));
        assertEquals(group(3), choose(p, 5, 3, wrong(3), wrong(3)));
        assertEquals(group(3), choose(p, 5, 3, wrong(3), wrong(3), wrong(3), wrong(3)));
        // hints edited down to two tiers while the problem was at tier 3: it continues from the new top
        assertEquals(group(2), choose(p, 5, 2, wrong(3)));
        assertEquals(group(2), choose(p, 5, 2, wrong(3), wrong(3)));
    }

    /** The lowest tier with which some rollout succeeds is kept, even by a group that is all correct. */
    @Test
    void holdsATierThatSucceeds() {
        ScafGrpoHints p = policy(0, 2, false);
        assertEquals(group(1), choose(p, 5, 3, wrong(0), wrong(0), right(1, 2)));
        assertEquals(group(2), choose(p, 5, 3, wrong(1), wrong(1), right(2, 8)));
        // a failure after a success is a streak of one: held, then escalated on the second
        assertEquals(group(1), choose(p, 5, 3, right(1, 2), wrong(1)));
        assertEquals(group(2), choose(p, 5, 3, right(1, 2), wrong(1), wrong(1)));
    }

    @Test
    void stepsDownAfterAnUnaidedSuccess() {
        // group mode: a plain group with a correct rollout stays plain
        ScafGrpoHints group = policy(0, 2, false);
        assertEquals(group(0), choose(group, 5, 3, wrong(0), wrong(0), right(0, 1)));
        // replacement mode: 2 correct of which the hinted one is 1, so one plain rollout was right: 2 -> 1
        ScafGrpoHints replace = policy(0, 2, true);
        assertEquals(new Choice(0, 1), choose(replace, 5, 3, replaced(2, 2, true)));
        // the only correct rollout is plain although the hinted one failed: 1 -> 0
        assertEquals(Choice.NONE, choose(replace, 5, 3, replaced(1, 1, false)));
        // from tier 0 there is nowhere lower
        assertEquals(Choice.NONE, choose(replace, 5, 3, right(0, 3)));
    }

    @Test
    void replacementModeHintsOneRolloutOfAPlainGroup() {
        ScafGrpoHints p = policy(0, 2, true);
        assertEquals(Choice.NONE, choose(p, 5, 3, wrong(0)));
        assertEquals(new Choice(0, 1), choose(p, 5, 3, wrong(0), wrong(0)));
        // only the hinted rollout was right: the tier was needed, held
        assertEquals(new Choice(0, 2), choose(p, 5, 3, replaced(2, 1, true)));
        // the replacement's tier is the current tier; its streak counts replaced visits at that tier only
        assertEquals(new Choice(0, 2), choose(p, 5, 3, replaced(1, 0, false), replaced(2, 0, false)));
        assertEquals(new Choice(0, 3), choose(p, 5, 3, replaced(2, 0, false), replaced(2, 0, false)));
        assertEquals(new Choice(0, 3), choose(p, 5, 3, replaced(3, 0, false), replaced(3, 0, false)));
    }

    @Test
    void aProblemWithoutHintsNeverGetsOne() {
        for (boolean replace : new boolean[] {false, true}) {
            ScafGrpoHints p = policy(0, 1, replace);
            assertEquals(Choice.NONE, choose(p, 100, 0, wrong(0), wrong(0), wrong(0), wrong(0)));
        }
    }
}
