package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.SampledCompletion;

/**
 * TRL's {@code top_entropy_quantile} ρ, from "Beyond the 80/20 Rule: High-Entropy Minority Tokens Drive Effective
 * Reinforcement Learning for LLM Reasoning" (Wang et al. 2025): only the top-ρ highest-entropy tokens of the batch
 * carry policy gradient. The threshold is the (1 − ρ)-quantile of the entropies of the batch's trained tokens, with
 * linear interpolation between order statistics (torch.quantile's default, which TRL calls); a token at or above it
 * keeps its advantage, the others get advantage 0. Zeroing the advantage removes exactly the policy-gradient term of
 * any loss that reads per-token advantages, and leaves the KL penalty on every token, as TRL's mask does.
 *
 * <p>The entropies are those recorded at sampling, under π_old (at the sampling temperature): the same numbers TRL
 * uses on the first optimiser step of a generation batch, and one threshold for the whole batch, whichever of its
 * optimiser steps a token lands in.
 */
final class TopEntropyTokens {

    private TopEntropyTokens() {
    }

    /** The (1 − ρ)-quantile of the kept rollouts' token entropies; −∞ when ρ = 1 or there are no tokens. */
    static double threshold(List<List<SampledCompletion>> groups, List<GroupAdvantages> advantages, double rho) {
        if (rho >= 1) {
            return Double.NEGATIVE_INFINITY;
        }
        List<Float> all = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            for (int i = 0; i < groups.get(g).size(); i++) {
                if (advantages.get(g).keep()[i]) {
                    for (float e : groups.get(g).get(i).entropies()) {
                        all.add(e);
                    }
                }
            }
        }
        if (all.isEmpty()) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] sorted = all.stream().mapToDouble(Float::doubleValue).sorted().toArray();
        double position = (1 - rho) * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /** Per-token advantages with every token below the threshold set to 0; the input is left as it is. */
    static List<float[][]> filter(List<List<SampledCompletion>> groups, List<float[][]> tokenAdvantages,
                                  double threshold) {
        List<float[][]> out = new ArrayList<>(tokenAdvantages.size());
        for (int g = 0; g < groups.size(); g++) {
            float[][] rows = new float[tokenAdvantages.get(g).length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = Arrays.copyOf(tokenAdvantages.get(g)[i], tokenAdvantages.get(g)[i].length);
                float[] entropies = groups.get(g).get(i).entropies();
                for (int t = 0; t < rows[i].length; t++) {
                    if (entropies[t] < threshold) {
                        rows[i][t] = 0f;
                    }
                }
            }
            out.add(rows);
        }
        return out;
    }
}
