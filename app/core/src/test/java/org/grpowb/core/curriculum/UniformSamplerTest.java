package org.grpowb.core.curriculum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler.Candidate;
import org.grpowb.api.PromptSampler.Draw;
import org.junit.jupiter.api.Test;

class UniformSamplerTest {

    private final UniformSampler sampler = new UniformSampler();
    private final List<Candidate> six = Rounds.candidates(6);

    @Test
    void everyCandidateOncePerEpoch() {
        // 6 prompts, 3 per step: steps 1–2 are epoch 0, steps 3–4 epoch 1
        for (int epoch = 0; epoch < 2; epoch++) {
            List<String> seen = new ArrayList<>();
            seen.addAll(Rounds.ids(sampler.draw(Rounds.first(2 * epoch + 1, 3, six, 42))));
            seen.addAll(Rounds.ids(sampler.draw(Rounds.first(2 * epoch + 2, 3, six, 42))));
            assertEquals(Set.of("p0", "p1", "p2", "p3", "p4", "p5"), new HashSet<>(seen), "epoch " + epoch);
            assertEquals(6, seen.size());
        }
    }


    @Test
    void aStepIsAFunctionOfSeedStepAndCandidates() {
        var a = sampler.draw(Rounds.round(5, 0, 3, 8, six, Set.of(), 7, new Random(1), Map.of()));
        var b = sampler.draw(Rounds.round(5, 0, 3, 8, six, Set.of(), 7, new Random(999), Map.of()));
        assertEquals(Rounds.ids(a), Rounds.ids(b));
        assertTrue(a.stream().allMatch(d -> d.rollouts() == 8), "every draw gets G rollouts");
        // permutations are per epoch: epoch 0 and epoch 1 of seed 7 differ
        assertFalse(UniformSampler.permutation(6, 7, 0).equals(UniformSampler.permutation(6, 7, 1)));
    }

    @Test
    void aStepStraddlingTwoEpochsNeverRepeatsAPrompt() {
        // 5 prompts, 2 per step: step 3 takes position 4 of epoch 0 and position 0 of epoch 1
        List<Candidate> five = Rounds.candidates(5);
        for (int step = 1; step <= 40; step++) {
            List<String> ids = Rounds.ids(sampler.draw(Rounds.first(step, 2, five, 3)));
            assertEquals(2, ids.size());
            assertEquals(2, new HashSet<>(ids).size(), "step " + step + ": " + ids);
        }
    }

    @Test
    void refillRoundsDrawOnlyFromPromptsNotYetDrawn() {
        Set<String> drawn = Set.of("p0", "p2", "p4");
        for (int seed = 0; seed < 50; seed++) {
            List<Draw> refill = sampler.draw(Rounds.round(1, 1, 2, 8, six, drawn, 42, Rounds.random(seed), Map.of()));
            assertEquals(2, refill.size());
            assertTrue(refill.stream().noneMatch(d -> drawn.contains(d.example().id())), Rounds.ids(refill).toString());
            assertEquals(2, new HashSet<>(Rounds.ids(refill)).size());
        }
        // asking for more than is left returns what is left, once each
        List<Draw> all = sampler.draw(Rounds.round(1, 1, 10, 8, six, drawn, 42, new Random(0), Map.of()));
        assertEquals(Set.of("p1", "p3", "p5"), new HashSet<>(Rounds.ids(all)));
        assertEquals(3, all.size());
    }
}
