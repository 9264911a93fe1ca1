package org.grpowb.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * GDPO's decoupled normalisation, from "GDPO: Group reward-Decoupled Normalization Policy Optimization for
 * Multi-reward RL Optimization" (NVIDIA 2026). GRPO sums the K rewards first and normalises the sum, so distinct
 * reward combinations collapse to the same advantage: with G = 2, rewards (1, 0) vs (0, 0) and (1, 1) vs (0, 0) both
 * give ±0.707, although the second group's winner did better on both counts. GDPO normalises each reward within the
 * group first:
 *
 * <pre>
 *   Â_i^k = (r_i^k − mean_k) / (std_k + 1e-6)         per reward k, within the group
 *   A_i   = Σ_k w_k Â_i^k
 *   A_i  ← (A_i − mean(A)) / (std(A) + 1e-6)          over every rollout of the batch     (batch_norm = true)
 * </pre>
 *
 * (the example above then gives ±0.707 and ±1.414 before the batch normalisation, which keeps their ratio).
 *
 * <p>Checked against the authors' TRL code ({@code trl-0.18.0-gdpo}, {@code apply_gdpo}): per-reward group mean and
 * sample std, weighted sum, then batch mean and sample std. They add 1e-4 to both stds; we add 1e-6 as everywhere in
 * the workbench ({@code algorithms.md}). A reward component that is constant within a group contributes exactly 0
 * (see {@link GroupRewardStatistics#allEqual}). Each group's Â^k sum to zero, so the batch mean is zero in exact
 * arithmetic; subtracting it only removes rounding, and a group whose pre-normalisation advantages are all zero (no
 * reward varied) is left at exactly 0 rather than picking that rounding up. With a single reward component GDPO
 * without batch normalisation is GRPO.
 *
 * <p>Every rollout is kept. The baseline reported for sign-flip detection is the group's mean weighted total
 * Σ_k w_k mean_k, the reward level the per-reward centring subtracts; the rewards reported are the weighted totals
 * Σ_k w_k r_i^k.
 *
 * @param batchNorm whether the combined advantages are normalised over the batch
 */
public record DecoupledRewardAdvantage(boolean batchNorm) implements GroupAdvantage {

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<double[]> combined = new ArrayList<>(batch.size());
        List<double[]> totals = new ArrayList<>(batch.size());
        for (RewardGroup group : batch) {
            totals.add(GroupRewardStatistics.totals(group));
            combined.add(combine(group));
        }
        if (batchNorm) {
            normaliseOverBatch(combined);
        }
        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (int g = 0; g < combined.size(); g++) {
            double[] a = combined.get(g);
            double[] r = totals.get(g);
            out.add(new GroupAdvantages(a, GroupRewardStatistics.keepAll(a.length), GroupRewardStatistics.mean(r), r));
        }
        return out;
    }

    /** Σ_k w_k Â_i^k for one group. */
    private static double[] combine(RewardGroup group) {
        int n = group.size();
        double[] a = new double[n];
        double[] w = group.weights();
        for (int k = 0; k < w.length; k++) {
            double[] column = new double[n];
            for (int i = 0; i < n; i++) {
                column[i] = group.rewards()[i][k];
            }
            if (w[k] == 0 || GroupRewardStatistics.allEqual(column)) {
                continue;
            }
            double mean = GroupRewardStatistics.mean(column);
            double scale = GroupRewardStatistics.sampleStd(column) + GroupRewardStatistics.STD_EPSILON;
            for (int i = 0; i < n; i++) {
                a[i] += w[k] * (column[i] - mean) / scale;
            }
        }
        return a;
    }

    private static void normaliseOverBatch(List<double[]> combined) {
        double[] all = combined.stream().flatMapToDouble(Arrays::stream).toArray();
        if (all.length == 0 || GroupRewardStatistics.allEqual(all)) {
            return;
        }
        double mean = GroupRewardStatistics.mean(all);
        double scale = GroupRewardStatistics.sampleStd(all) + GroupRewardStatistics.STD_EPSILON;
        for (double[] a : combined) {
            if (allZero(a)) {
                continue;
            }
            for (int i = 0; i < a.length; i++) {
                a[i] = (a[i] - mean) / scale;
            }
        }
    }

    private static boolean allZero(double[] a) {
        for (double v : a) {
            if (v != 0.0) {
                return false;
            }
        }
        return true;
    }
}
