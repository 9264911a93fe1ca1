package org.grpowb.core.engine;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.api.TokenFeatures;
import org.grpowb.core.thr.ThrSummary;
import org.grpowb.core.thr.TokenHiddenReward;

/**
 * Token Hidden Reward of every completion token of a step, from the policy's last-layer features before the update
 * (one extra forward pass), computed by {@link TokenHiddenReward}.
 */
final class ThrOfStep {

    private ThrOfStep() {
    }

    /** Per group, per rollout, per token; null when the model exposes no features. */
    static List<float[][]> compute(PolicyModel policy, NDManager manager, List<int[]> prompts,
                                   List<List<SampledCompletion>> groups, List<GroupAdvantages> advantages,
                                   List<boolean[]> correct) {
        List<int[]> promptRows = new ArrayList<>();
        List<int[]> completionRows = new ArrayList<>();
        List<List<int[]>> tokens = new ArrayList<>();
        List<double[]> adv = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<int[]> groupTokens = new ArrayList<>();
            for (SampledCompletion c : groups.get(g)) {
                promptRows.add(prompts.get(g));
                completionRows.add(c.tokens());
                groupTokens.add(c.tokens());
            }
            tokens.add(groupTokens);
            adv.add(advantages.get(g).advantages());
        }
        try (NDManager scratch = manager.newSubManager()) {
            Optional<TokenFeatures> f = policy.features(scratch, promptRows, completionRows);
            return f.map(features -> TokenHiddenReward.ofStep(features, tokens, adv, correct)).orElse(null);
        }
    }

    /** {@code thr_pos_mass}, {@code thr_neg_mass}, {@code thr_top_decile_share}, {@code thr_top_decile_mass}. */
    static Map<String, Double> summary(List<float[][]> thr) {
        return ThrSummary.of(thr).metrics();
    }
}
