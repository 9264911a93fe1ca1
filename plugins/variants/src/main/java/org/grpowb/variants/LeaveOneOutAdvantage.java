package org.grpowb.variants;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * RLOO's leave-one-out baseline, from "Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human
 * Feedback in LLMs" (Ahmadian et al. 2024): each rollout is compared with the mean reward of the other G − 1 rollouts
 * of its group, an unbiased baseline because it does not contain the rollout's own reward.
 *
 * <pre>
 *   A_i = r_i − (1/(G − 1)) Σ_{j≠i} r_j  =  G/(G − 1) · (r_i − mean(r))          G ≥ 2
 *   A_i = 0                                                                     G = 1
 * </pre>
 *
 * r_i is the weighted total Σ_k w_k r_i^k. The second form is the one verl computes
 * ({@code compute_rloo_outcome_advantage}); no std division, as in the paper and in verl. A group whose rewards are
 * all equal gets exactly 0 (not the rounding residue of r_i − mean(r)). A group of one rollout has no other rollout
 * to compare with: its advantage is 0 here, where verl keeps the raw reward (no baseline at all), which would let a
 * lone rollout's absolute reward drive the update. Every rollout is kept.
 *
 * <p>The baseline reported for sign-flip detection is the group mean: sign(A_i) = sign(r_i − mean(r)) since
 * G/(G − 1) &gt; 0, while each rollout's own leave-one-out mean differs; the rewards reported are the totals r_i.
 */
public final class LeaveOneOutAdvantage implements GroupAdvantage {

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (RewardGroup group : batch) {
            double[] r = GroupRewardStatistics.totals(group);
            int n = r.length;
            double mean = GroupRewardStatistics.mean(r);
            double[] a = new double[n];
            if (n >= 2 && !GroupRewardStatistics.allEqual(r)) {
                double scale = (double) n / (n - 1);
                for (int i = 0; i < n; i++) {
                    a[i] = scale * (r[i] - mean);
                }
            }
            out.add(new GroupAdvantages(a, GroupRewardStatistics.keepAll(n), mean, r));
        }
        return out;
    }
}
