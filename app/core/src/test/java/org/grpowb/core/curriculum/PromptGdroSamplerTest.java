package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler.Candidate;
import org.grpowb.api.PromptSampler.GroupOutcome;
import org.grpowb.api.Settings;
import org.junit.jupiter.api.Test;

class PromptGdroSamplerTest {

    private static PromptGdroSampler sampler() {
        PromptGdroSampler s = new PromptGdroSampler();
        s.configure(Settings.resolve(s.settings(), Map.of(), "test")); // eta 0.1, group_by level
        return s;
    }

    private static GroupOutcome outcome(Example e, int correct) {
        double[] rewards = new double[4];
        for (int i = 0; i < correct; i++) {
            rewards[i] = 1;
        }
        return new GroupOutcome(e, rewards, correct, 0);
    }

    @Test
    void weightsAfterOneStepAreTheHandComputedExponentials() {
        PromptGdroSampler gdro = sampler();
        Example easy = Rounds.example("e", "level", "1");
        Example hard = Rounds.example("h", "level", "2");
        // level 1: 3 of 4 correct, p = .75 → × e^{0.1·0.25}; level 2: 1 of 4, p = .25 → × e^{0.1·0.75}
        gdro.observe(1, List.of(outcome(easy, 3), outcome(hard, 1)));
        // normalised to mean 1: w_1 = 2·e^.025 / (e^.025 + e^.075), w_2 = 2·e^.075 / (e^.025 + e^.075)
        assertEquals(0.9750052070315792, gdro.weight("1"), 1e-12);
        assertEquals(1.0249947929684207, gdro.weight("2"), 1e-12);
        assertEquals(Map.of("weight/1", gdro.weight("1"), "weight/2", gdro.weight("2")), gdro.saveState());
    }

    @Test
    void groupsArePooledAndAMissingFieldIsGroupNone() {
        PromptGdroSampler gdro = sampler();
        // two level-1 groups, 4 and 0 of 4 → p = 4/8 = .5; an unlevelled prompt 0 of 4 → p = 0
        gdro.observe(1, List.of(outcome(Rounds.example("a", "level", "1"), 4),
                outcome(Rounds.example("b", "level", "1"), 0), outcome(Rounds.example("c"), 0)));
        double a = Math.exp(0.05);
        double none = Math.exp(0.1);
        assertEquals(2 * a / (a + none), gdro.weight("1"), 1e-12);
        assertEquals(2 * none / (a + none), gdro.weight(PromptGdroSampler.NO_GROUP), 1e-12);
        assertEquals(1.0, gdro.weight("7"), 0, "a group never observed starts at the mean weight 1");
    }

    @Test
    void stateSurvivesSaveAndRestore() {
        PromptGdroSampler gdro = sampler();
        gdro.observe(1, List.of(outcome(Rounds.example("x", "level", "3"), 0), outcome(Rounds.example("y", "level", "1"), 4)));
        PromptGdroSampler resumed = sampler();
        resumed.restoreState(gdro.saveState());
        assertEquals(gdro.saveState(), resumed.saveState());
        var six = candidatesByLevel();
        for (int seed = 0; seed < 20; seed++) {
            assertEquals(Rounds.ids(gdro.draw(Rounds.round(2, 0, 3, 4, six, Set.of(), 0, Rounds.random(seed), Map.of()))),
                    Rounds.ids(resumed.draw(Rounds.round(2, 0, 3, 4, six, Set.of(), 0, Rounds.random(seed), Map.of()))));
        }
    }

    private static List<Candidate> candidatesByLevel() {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            out.add(new Candidate(Rounds.example("l1-" + i, "level", "1"), 1));
        }
        for (int i = 0; i < 2; i++) {
            out.add(new Candidate(Rounds.example("l2-" + i, "level", "2"), 1));
        }
        return out;
    }

    @Test
    void aGroupIsDrawnInProportionToItsWeightWhateverItsSize() {
        PromptGdroSampler gdro = sampler();
        gdro.restoreState(Map.of("weight/1", 0.5, "weight/2", 1.5));
        var candidates = candidatesByLevel(); // level 1 has 6 prompts, level 2 only 2
        int level2 = 0;
        int runs = 4000;
        for (int seed = 0; seed < runs; seed++) {
            var d = gdro.draw(Rounds.round(1, 0, 1, 4, candidates, Set.of(), 0, Rounds.random(seed), Map.of()));
            if (d.get(0).example().fields().get("level").equals("2")) {
                level2++;
            }
        }
        assertEquals(0.75, level2 / (double) runs, 0.03);
    }

    @Test
    void drawsWithoutReplacementAndHonoursExclusions() {
        PromptGdroSampler gdro = sampler();
        gdro.restoreState(Map.of("weight/1", 0.1, "weight/2", 1.9));
        var candidates = candidatesByLevel();
        for (int seed = 0; seed < 50; seed++) {
            var d = gdro.draw(Rounds.round(1, 1, 4, 4, candidates, Set.of("l2-0", "l1-0"), 0, Rounds.random(seed), Map.of()));
            List<String> ids = Rounds.ids(d);
            assertEquals(4, new HashSet<>(ids).size(), ids.toString());
            assertTrue(!ids.contains("l2-0") && !ids.contains("l1-0"), ids.toString());
            assertTrue(ids.contains("l2-1"), "the heavy group's only open prompt is drawn once, then its group is spent");
        }
    }
}
