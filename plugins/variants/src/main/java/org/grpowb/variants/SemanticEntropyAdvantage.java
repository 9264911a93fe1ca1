package org.grpowb.variants;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * SEED-GRPO's uncertainty-aware advantage, from "SEED-GRPO: Semantic Entropy Enhanced GRPO for Uncertainty-Aware
 * Policy Optimization" (Chen et al. 2025). When a prompt's completions disagree about the answer, the model does not
 * know the problem, and a reward on one of them is weak evidence; SEED-GRPO then updates more conservatively, and
 * keeps the full signal where the answers agree.
 *
 * <pre>
 *   clusters c of the G completions by normalised final answer     ({@link FinalAnswer})
 *   p_c  = |c| / G
 *   SE   = −Σ_c p_c log p_c                                        0 when all agree, log G when all differ
 *   A_i ← A_i · (1 − α · SE / log G)                               α ∈ [0, 1]
 * </pre>
 *
 * A_i is the base estimator's ({@link GroupNormalizedAdvantage} with the given {@code scale_rewards}). The paper's
 * semantic entropy weighs clusters by the sequences' probabilities and clusters by meaning; for verifiable answers we
 * follow the workbench's formula ({@code algorithms.md}): clusters by final answer, weighted by count, and the paper's
 * linear modulation f(x) = 1 − x with x = α · SE / SE_max, SE_max = log G. With G = 1 the factor is 1. The factor
 * lies in [1 − α, 1]: a group of G different answers gets A · (1 − α), a group that agrees keeps A. Every rollout is
 * kept; the baseline and the rewards reported (r̃_i, the weighted totals: SEED-GRPO scales the advantage, not the
 * reward) are the base estimator's.
 *
 * @param scaling the base advantage's {@code scale_rewards}
 * @param alpha   α ∈ [0, 1], how strongly uncertainty damps the update
 */
public record SemanticEntropyAdvantage(RewardScaling scaling, double alpha) implements GroupAdvantage {

    public SemanticEntropyAdvantage {
        Objects.requireNonNull(scaling, "scaling");
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<GroupAdvantages> base = new GroupNormalizedAdvantage(scaling).advantages(batch);
        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (int g = 0; g < batch.size(); g++) {
            GroupAdvantages b = base.get(g);
            double factor = factor(batch.get(g).completions());
            double[] a = b.advantages().clone();
            for (int i = 0; i < a.length; i++) {
                a[i] *= factor;
            }
            out.add(new GroupAdvantages(a, b.keep(), b.baseline(), b.rewards()));
        }
        return out;
    }

    /** 1 − α · SE / log G. */
    double factor(List<String> completions) {
        int n = completions.size();
        if (n < 2) {
            return 1.0;
        }
        return 1.0 - alpha * semanticEntropy(completions) / Math.log(n);
    }

    /** −Σ_c p_c log p_c over the clusters of equal {@link FinalAnswer#key final answers}, p_c = |c| / G. */
    static double semanticEntropy(List<String> completions) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String c : completions) {
            sizes.merge(FinalAnswer.key(c), 1, Integer::sum);
        }
        double n = completions.size();
        double se = 0;
        for (int size : sizes.values()) {
            double p = size / n;
            se -= p * Math.log(p);
        }
        return se;
    }
}
