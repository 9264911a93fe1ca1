package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler;

/**
 * The epoch walk: the stage's candidates are walked in epochs, each a fresh permutation seeded by (run seed, epoch),
 * so every prompt is visited once per epoch and step s takes walk positions (s − 1)·n … s·n − 1 for n prompts per
 * step. The first draw of a step is thus a function of (seed, step, candidates) alone, which makes resume exact;
 * with the whole training split as the candidates it is the walk the engine used before samplers existed. Weights are
 * ignored: every prompt counts the same.
 *
 * <p>Where a step straddles two epochs a prompt can sit at both ends; the walk then skips the repeat and takes the
 * next position instead, so a step never trains twice on one prompt (that prompt is visited twice in the new epoch).
 * Refill rounds draw uniformly at random from the candidates not yet drawn this step. Every draw gets G rollouts.
 */
public final class UniformSampler implements PromptSampler {

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public String description() {
        return "epoch walk over a seeded permutation: every prompt once per epoch, G rollouts each";
    }

    @Override
    public List<Draw> draw(Round round) {
        if (round.round() > 0) {
            return Draws.withGroupSize(Draws.uniform(Draws.open(round), round.count(), round.random()), round.groupSize());
        }
        return Draws.withGroupSize(walk(round), round.groupSize());
    }

    /** The step's stretch of the epoch walk, without repeats and without excluded prompts. */
    static List<Example> walk(Round round) {
        List<Candidate> candidates = round.candidates();
        int n = candidates.size();
        int open = 0;
        for (Candidate c : candidates) {
            if (!round.exclude().contains(c.example().id())) {
                open++;
            }
        }
        int want = Math.min(round.count(), open);
        List<Example> out = new ArrayList<>(want);
        Set<String> taken = new HashSet<>();
        int cachedEpoch = -1;
        List<Integer> order = List.of();
        for (long k = (long) (round.step() - 1) * round.count(); out.size() < want; k++) {
            int epoch = (int) (k / n);
            if (epoch != cachedEpoch) {
                order = permutation(n, round.seed(), epoch);
                cachedEpoch = epoch;
            }
            Example e = candidates.get(order.get((int) (k % n))).example();
            if (!round.exclude().contains(e.id()) && taken.add(e.id())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Epoch {@code epoch}'s order of n candidates: a shuffle seeded by {@link Draws#mix}(seed, epoch). */
    static List<Integer> permutation(int n, long seed, int epoch) {
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(Draws.mix(seed, epoch)));
        return idx;
    }
}
