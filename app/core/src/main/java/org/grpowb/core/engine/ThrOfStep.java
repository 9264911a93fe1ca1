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
import org.grpowb.core.thr.GroupThr;
import org.grpowb.core.thr.ThrSummary;
import org.grpowb.core.thr.TokenHiddenReward;

/**
 * Token Hidden Reward of every completion token of a step, from the policy's last-layer features before the update
 * (one extra forward pass), computed by {@link TokenHiddenReward}.
 */
final class ThrOfStep {

    private ThrOfStep() {
    }

    /**
     * Per group, its THR, or null for a group without (no correct completion, or no wrong one); the whole list is null
     * when the model exposes no features.
     */
    static List<GroupThr> compute(PolicyModel policy, NDManager manager, List<List<int[]>> prompts,
                                  List<List<SampledCompletion>> groups, List<GroupAdvantages> advantages,
                                  List<boolean[]> correct, double tauBeta) {
        List<int[]> promptRows = new ArrayList<>();
        List<int[]> completionRows = new ArrayList<>();
        List<List<int[]>> tokens = new ArrayList<>();
        List<double[]> adv = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<int[]> groupTokens = new ArrayList<>();
            for (int i = 0; i < groups.get(g).size(); i++) {
                SampledCompletion c = groups.get(g).get(i);
                promptRows.add(prompts.get(g).get(i));
                completionRows.add(c.tokens());
                groupTokens.add(c.tokens());
            }
            tokens.add(groupTokens);
            adv.add(advantages.get(g).advantages());
        }
        try (NDManager scratch = manager.newSubManager()) {
            Optional<TokenFeatures> f = policy.features(scratch, promptRows, completionRows);
            return f.map(features -> TokenHiddenReward.ofStep(features, tokens, adv, correct, tauBeta)).orElse(null);
        }
    }

    /**
     * {@link ThrSummary}'s metrics over the groups with THR, and {@code thr_dominant_frac} (dominant tokens / tokens of
     * those groups; 0 when they have none) and {@code thr_groups_frac} (groups with THR / groups; 0 for no groups).
     */
    static Map<String, Double> summary(List<GroupThr> step) {
        List<float[][]> present = new ArrayList<>();
        int tokens = 0;
        int dominant = 0;
        for (GroupThr group : step) {
            if (group != null) {
                present.add(group.thr());
                tokens += group.tokens();
                dominant += group.dominantTokens();
            }
        }
        Map<String, Double> metrics = ThrSummary.of(present).metrics();
        metrics.put("thr_dominant_frac", tokens == 0 ? 0.0 : (double) dominant / tokens);
        metrics.put("thr_groups_frac", step.isEmpty() ? 0.0 : (double) present.size() / step.size());
        return metrics;
    }
}
