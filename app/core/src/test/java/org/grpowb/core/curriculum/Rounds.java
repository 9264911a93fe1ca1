package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.Example;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.PromptSampler.Candidate;
import org.grpowb.api.PromptSampler.Round;

/** Hand-built rounds, examples and histories for the sampler tests. */
final class Rounds {

    private Rounds() {
    }

    static Example example(String id, String... fieldPairs) {
        Map<String, String> fields = new java.util.HashMap<>();
        for (int i = 0; i < fieldPairs.length; i += 2) {
            fields.put(fieldPairs[i], fieldPairs[i + 1]);
        }
        return new Example(id, "prompt " + id, "answer", fields);
    }

    /** Examples p0 … p(n−1), weight 1 each. */
    static List<Candidate> candidates(int n) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Candidate(example("p" + i), 1.0));
        }
        return out;
    }

    static Round round(int step, int round, int count, int groupSize, List<Candidate> candidates, Set<String> exclude,
                       long seed, Random random, Map<String, PromptHistory> histories) {
        return new Round(step, 100, round, count, groupSize, candidates, exclude, seed, random,
                id -> histories.getOrDefault(id, PromptHistory.unseen(id)));
    }

    /**
     * A round's randomness, as the engine seeds it: through a mixing function. ({@code new Random(seed)} for
     * consecutive small seeds gives nearly equal first doubles, which would make every draw of a test agree.)
     */
    static Random random(long seed) {
        return new Random(Draws.mix(seed, 12345));
    }

    /** Round 0 of a step, no history, the round's randomness seeded from (seed, step). */
    static Round first(int step, int count, List<Candidate> candidates, long seed) {
        return round(step, 0, count, 8, candidates, Set.of(), seed, new Random(seed * 1_000 + step), Map.of());
    }

    /**
     * A history whose recent visits had these pass rates, each visit a group of 4 rollouts.
     *
     * @param correct correct rollouts out of 4 per visit, oldest first
     */
    static PromptHistory history(String id, int... correct) {
        PromptHistory h = PromptHistory.unseen(id);
        for (int i = 0; i < correct.length; i++) {
            h = h.after(new PromptHistory.Visit(i + 1, 0, 0, 4, correct[i], false, correct[i] / 4.0, false), 16);
        }
        return h;
    }

    static List<String> ids(List<org.grpowb.api.PromptSampler.Draw> draws) {
        return draws.stream().map(d -> d.example().id()).toList();
    }
}
