package org.grpowb.core.engine;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.SampledCompletion;
import org.grpowb.core.project.TrainingSettings;
import org.grpowb.core.thr.GroupThr;
import org.grpowb.core.thr.TokenHiddenReward;

/**
 * Per-token advantages of a step: each rollout's A_j broadcast to its tokens, then THR-guided reweighting ("Token
 * Hidden Reward: Steering Exploration-Exploitation in Group Relative Deep Reinforcement Learning", Deng et al. 2025,
 * arXiv 2510.03669) of the tokens that dominate their group's learning dynamics (|THR_{j,k}| &gt; τ, see
 * {@link TokenHiddenReward}):
 * <pre>
 *   reweight:       A_{j,k} = A_j · (1 + p · sgn THR_{j,k})  if dominant,  A_j  otherwise
 *   dominant_only:  A_{j,k} = A_j · (1 + p · sgn THR_{j,k})  if dominant,  0    otherwise
 * </pre>
 * p &gt; 0 favours exploitation (greedy accuracy), p &lt; 0 exploration (pass@k). Groups without THR (no correct
 * completion, or no wrong one), and every group when the model exposes no features, keep A_j on every token. It
 * composes with any variant's loss because it only changes the advantages the loss receives; a sequence-level loss
 * must use its token form, never the per-token advantages averaged back into one per sequence.
 */
final class TokenWeights {

    /**
     * @param tokenAdvantages per group, per rollout, the advantage of each token
     * @param thr             per group, per rollout, each token's THR, with a null group where the group has no THR;
     *                        null when THR was not computed or the model has no features
     * @param summary         step metrics: {@code thr_pos_mass}, {@code thr_neg_mass}, {@code thr_top_decile_share},
     *                        {@code thr_top_decile_mass}, {@code thr_dominant_frac}, {@code thr_groups_frac}; empty
     *                        without THR
     */
    record Result(List<float[][]> tokenAdvantages, List<float[][]> thr, Map<String, Double> summary) {
    }

    static final String REWEIGHT = "reweight";
    static final String DOMINANT_ONLY = "dominant_only";

    private final boolean recordThr;
    private final double p;
    private final double tauBeta;
    private final boolean dominantOnly;

    /** From {@code thr}, {@code thr_reweight} (p), {@code thr_tau_beta} (β_τ) and {@code thr_mode}. */
    TokenWeights(TrainingSettings settings) {
        this(settings.signals().thr(), settings.signals().thrReweight(), settings.signals().thrTauBeta(), settings.signals().thrMode());
    }

    private TokenWeights(boolean recordThr, double p, double tauBeta, String mode) {
        if (!REWEIGHT.equals(mode) && !DOMINANT_ONLY.equals(mode)) {
            throw new IllegalArgumentException("thr_mode is " + REWEIGHT + " or " + DOMINANT_ONLY + ", not " + mode);
        }
        this.recordThr = recordThr;
        this.p = p;
        this.tauBeta = tauBeta;
        this.dominantOnly = DOMINANT_ONLY.equals(mode);
    }

    /** THR is computed when asked for, or when the advantages depend on it. */
    private boolean needsThr() {
        return recordThr || p != 0 || dominantOnly;
    }

    Result weigh(PolicyModel policy, NDManager manager, List<List<int[]>> prompts, List<List<SampledCompletion>> groups,
                 List<GroupAdvantages> advantages, List<boolean[]> correct) {
        List<GroupThr> step = needsThr()
                ? ThrOfStep.compute(policy, manager, prompts, groups, advantages, correct, tauBeta) : null;
        List<float[][]> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<SampledCompletion> group = groups.get(g);
            GroupThr thr = step == null ? null : step.get(g);
            float[][] rows = new float[group.size()][];
            for (int j = 0; j < group.size(); j++) {
                rows[j] = tokenAdvantages(advantages.get(g).advantages()[j], group.get(j).length(), thr, j);
            }
            out.add(rows);
        }
        if (step == null) {
            return new Result(out, null, new HashMap<>());
        }
        List<float[][]> thr = new ArrayList<>(step.size());
        for (GroupThr group : step) {
            thr.add(group == null ? null : group.thr());
        }
        return new Result(out, Collections.unmodifiableList(thr), new HashMap<>(ThrOfStep.summary(step)));
    }

    /** A_{j,k} of rollout j's tokens; {@code thr} null when its group has none. */
    private float[] tokenAdvantages(double a, int length, GroupThr thr, int j) {
        float[] row = new float[length];
        if (thr == null) {
            Arrays.fill(row, (float) a);
            return row;
        }
        for (int k = 0; k < length; k++) {
            if (thr.dominant()[j][k]) {
                row[k] = (float) (a * (1 + p * Math.signum(thr.thr()[j][k])));
            } else {
                row[k] = dominantOnly ? 0f : (float) a;
            }
        }
        return row;
    }
}
