package org.grpowb.core.engine;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;

/**
 * Per-token advantages of a step: each rollout's A_i broadcast to its tokens, then, when Token Hidden Reward is on,
 * THR-guided reweighting ("Token Hidden Reward: Steering Exploration-Exploitation in Group Relative Deep
 * Reinforcement Learning", Deng et al. 2025, arXiv 2510.03669): A_{j,k} ← A_j (1 + p) where THR_{j,k} &gt; 0 and A_j (1 − p) where THR_{j,k} &lt; 0.
 * p &gt; 0 favours exploitation (greedy accuracy), p &lt; 0 exploration (pass@k). It composes with any variant's
 * loss because it only changes the advantages the loss receives.
 */
final class TokenWeights {

    /**
     * @param tokenAdvantages per group, per rollout, the advantage of each token
     * @param thr             per group, per rollout, each token's THR; null when THR is off or the model has no features
     * @param summary         step metrics: {@code thr_pos_mass}, {@code thr_neg_mass}, {@code thr_top_decile_share}
     */
    record Result(List<float[][]> tokenAdvantages, List<float[][]> thr, Map<String, Double> summary) {
    }

    private final boolean computeThr;
    private final double p;

    TokenWeights(org.grpowb.core.project.TrainingSettings settings) {
        this(settings.thr(), settings.thrReweight());
    }

    TokenWeights(boolean computeThr, double p) {
        this.computeThr = computeThr;
        this.p = p;
    }

    Result weigh(PolicyModel policy, NDManager manager, List<int[]> prompts, List<List<SampledCompletion>> groups,
                 List<GroupAdvantages> advantages, List<boolean[]> correct) {
        List<float[][]> thr = computeThr ? ThrOfStep.compute(policy, manager, prompts, groups, advantages, correct) : null;
        List<float[][]> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<SampledCompletion> group = groups.get(g);
            float[][] rows = new float[group.size()][];
            for (int i = 0; i < group.size(); i++) {
                float a = (float) advantages.get(g).advantages()[i];
                rows[i] = new float[group.get(i).length()];
                Arrays.fill(rows[i], a);
                if (thr != null && p != 0) {
                    for (int k = 0; k < rows[i].length; k++) {
                        float t = thr.get(g)[i][k];
                        rows[i][k] = t > 0 ? (float) (a * (1 + p)) : t < 0 ? (float) (a * (1 - p)) : a;
                    }
                }
            }
            out.add(rows);
        }
        Map<String, Double> summary = new HashMap<>();
        if (thr != null) {
            summary.putAll(ThrOfStep.summary(thr));
        }
        return new Result(out, thr, summary);
    }
}
