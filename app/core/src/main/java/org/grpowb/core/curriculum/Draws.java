package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler.Candidate;
import org.grpowb.api.PromptSampler.Draw;
import org.grpowb.api.PromptSampler.Round;

/** The sampling arithmetic the built-in samplers share. */
final class Draws {

    /** Engine's {@code Seeds.PROMPTS}: the epoch walk permutes exactly as the engine's walk did before samplers. */
    private static final int PROMPTS_PURPOSE = 2;

    private Draws() {
    }

    /**
     * The seed of epoch {@code epoch}'s permutation: the SplitMix64 finaliser over (seed, epoch, purpose 2), the same
     * derivation as the engine's {@code Seeds.derive(seed, epoch, Seeds.PROMPTS)}, so that a run started before the
     * samplers existed walks its prompts in the same order after them.
     */
    static long mix(long seed, long epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + PROMPTS_PURPOSE * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The round's candidates not already drawn this step, in data order. */
    static List<Candidate> open(Round round) {
        List<Candidate> out = new ArrayList<>(round.candidates().size());
        for (Candidate c : round.candidates()) {
            if (!round.exclude().contains(c.example().id())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Up to {@code count} of {@code open}, uniformly without replacement (a partial Fisher–Yates shuffle). */
    static List<Example> uniform(List<Candidate> open, int count, Random random) {
        List<Candidate> pool = new ArrayList<>(open);
        List<Example> out = new ArrayList<>();
        for (int k = 0; k < Math.min(count, pool.size()); k++) {
            int j = k + random.nextInt(pool.size() - k);
            Candidate picked = pool.get(j);
            pool.set(j, pool.get(k));
            pool.set(k, picked);
            out.add(picked.example());
        }
        return out;
    }

    /**
     * Up to {@code count} indices drawn without replacement, each draw ∝ its weight among those left (successive
     * sampling). A weight of 0 is never drawn; the draw stops early when only zero weights are left.
     */
    static List<Integer> weighted(double[] weights, int count, Random random) {
        double[] left = weights.clone();
        List<Integer> out = new ArrayList<>();
        while (out.size() < count) {
            double total = 0;
            for (double w : left) {
                total += w;
            }
            if (!(total > 0)) {
                break;
            }
            double u = random.nextDouble() * total;
            int pick = -1;
            for (int i = 0; i < left.length; i++) {
                if (left[i] > 0) {
                    pick = i; // the last positive weight takes any rounding remainder of u
                    u -= left[i];
                    if (u < 0) {
                        break;
                    }
                }
            }
            out.add(pick);
            left[pick] = 0;
        }
        return out;
    }

    /** The prompt's mean pass rate over its last {@code window} visits, or {@code unseen} when never drawn. */
    static double passRate(Round round, Example example, int window, double unseen) {
        double p = round.history().apply(example.id()).passRate(window);
        return Double.isNaN(p) ? unseen : p;
    }

    /** Every example with the round's group size G. */
    static List<Draw> withGroupSize(List<Example> examples, int groupSize) {
        List<Draw> out = new ArrayList<>(examples.size());
        for (Example e : examples) {
            out.add(new Draw(e, groupSize));
        }
        return out;
    }
}
