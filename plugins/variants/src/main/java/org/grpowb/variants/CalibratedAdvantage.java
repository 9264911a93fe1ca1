package org.grpowb.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * NGRPO's advantage calibration, from "NGRPO: Negative-enhanced Group Relative Policy Optimization" (Nan et al. 2025).
 * GRPO gives a group whose rollouts are all wrong zero advantage, so the prompts the model cannot yet solve teach it
 * nothing. NGRPO pretends the group also holds V virtual rollouts that reached the maximum attainable reward r_max
 * ({@link RewardGroup#maxReward()}); they enter the statistics only, never the loss.
 *
 * <pre>
 *   r'  = (r_1 .. r_G, r_max × V)                     V = 1 by default (the paper's setting)
 *   A_i = (r_i − mean(r')) / (std(r') + 1e-6)          for the G real rollouts
 * </pre>
 *
 * The std is the sample one (n − 1, n = G + V), as {@code torch.std} in the authors' verl code
 * ({@code compute_ngrpo_outcome_advantage}, {@code add_max_reward_num}); it reproduces the paper's worked case of one
 * correct rollout in eight: A = 1.76 for the correct one, −0.50 for the others (GRPO: 2.47 and −0.35).
 *
 * <p>An all-wrong group now gets the same negative advantage on every rollout, −(r_max − r) · V / (G + V) / std(r');
 * a group that is all at r_max stays at exactly 0 (every value of r' is equal). Every rollout is kept; the baseline
 * reported for sign-flip detection is the calibrated mean, mean(r'), the rewards reported the G real totals r_i (the
 * virtual rollout is not a rollout).
 *
 * @param virtualSamples V ≥ 1, the number of virtual r_max rollouts
 */
public record CalibratedAdvantage(int virtualSamples) implements GroupAdvantage {

    public CalibratedAdvantage {
        if (virtualSamples < 1) {
            throw new IllegalArgumentException("virtualSamples must be >= 1, got " + virtualSamples);
        }
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (RewardGroup group : batch) {
            double[] r = GroupRewardStatistics.totals(group);
            double max = group.maxReward();
            if (!Double.isFinite(max)) {
                throw new IllegalArgumentException("group '" + group.promptId() + "': maxReward is not finite: " + max);
            }
            double[] calibrated = new double[r.length + virtualSamples];
            System.arraycopy(r, 0, calibrated, 0, r.length);
            Arrays.fill(calibrated, r.length, calibrated.length, max);

            double[] a = new double[r.length];
            if (GroupRewardStatistics.allEqual(calibrated)) {
                out.add(new GroupAdvantages(a, GroupRewardStatistics.keepAll(r.length), max, r));
                continue;
            }
            double mean = GroupRewardStatistics.mean(calibrated);
            double scale = GroupRewardStatistics.sampleStd(calibrated) + GroupRewardStatistics.STD_EPSILON;
            for (int i = 0; i < r.length; i++) {
                a[i] = (r[i] - mean) / scale;
            }
            out.add(new GroupAdvantages(a, GroupRewardStatistics.keepAll(r.length), mean, r));
        }
        return out;
    }
}
