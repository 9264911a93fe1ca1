package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.grpowb.api.PromptSampler.GroupOutcome;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class DynamicSamplerTest {

    @Test
    void dropsGroupsWhoseRewardsAreAllEqual() {
        DynamicSampler dapo = new DynamicSampler();
        var e = Rounds.example("q");
        assertFalse(dapo.keeps(new GroupOutcome(e, new double[] {1, 1, 1, 1}, 4, 0)), "all correct: no gradient");
        assertFalse(dapo.keeps(new GroupOutcome(e, new double[] {0, 0, 0, 0}, 0, 0)), "all wrong: no gradient");
        assertTrue(dapo.keeps(new GroupOutcome(e, new double[] {1, 0, 0, 0}, 1, 0)));
        assertTrue(dapo.keeps(new GroupOutcome(e, new double[] {0.5, 0.5, 0.5, 0.25}, 0, 0)), "graded rewards differ");
    }

    @Test
    void refillRoundsComeFromTheSetting() {
        DynamicSampler dapo = new DynamicSampler();
        dapo.configure(Settings.resolve(dapo.settings(), Map.of(), "test"));
        assertEquals(3, dapo.maxRefillRounds());
        dapo.configure(Settings.resolve(dapo.settings(), Map.of("max_resample_rounds", 5), "test"));
        assertEquals(5, dapo.maxRefillRounds());
    }

    @Test
    void drawsAsTheEpochWalkDoes() {
        var six = Rounds.candidates(6);
        for (int step = 1; step <= 4; step++) {
            assertEquals(Rounds.ids(new UniformSampler().draw(Rounds.first(step, 3, six, 11))),
                    Rounds.ids(new DynamicSampler().draw(Rounds.first(step, 3, six, 11))));
        }
    }
}
