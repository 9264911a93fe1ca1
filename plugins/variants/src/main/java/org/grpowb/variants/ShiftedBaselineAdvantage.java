package org.grpowb.variants;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * The group mean as baseline, moved by a fixed shift τ: A_i = r_i − (mean(r) + τ), with no division by the std.
 * With τ = 0 this is Dr. GRPO's and OPMD's centred reward; with τ &lt; 0 it is AsymRE's, from "Asymmetric REINFORCE
 * for off-Policy Reinforcement Learning: Balancing positive and negative rewards" (Arnal et al. 2025) in the group
 * form of "Group-Relative REINFORCE Is Secretly an Off-Policy Algorithm" (Yao et al. 2025): a baseline below the
 * expected reward makes the update lean on the successes, which that paper shows to be safe off-policy, whereas a
 * baseline above it lets the failures dominate and collapses the policy.
 *
 * <p>With τ ≠ 0 an all-equal group no longer has zero advantages: every rollout gets −τ (for τ &lt; 0, a small push
 * up of what was sampled, as in Trinity-RFT's {@code asymre} estimator). Centring uses
 * {@link GroupNormalizedAdvantage} with {@link RewardScaling#NONE}, so the centred part of an all-equal group is an
 * exact 0 before the shift. A group of one rollout is centred on itself (A = −τ); Trinity-RFT instead uses a
 * baseline of 0 there. The baseline reported for sign-flip detection is mean(r) + τ, the rewards reported the
 * weighted totals r_i; every rollout is kept.
 *
 * @param shift τ, added to the group mean
 */
public record ShiftedBaselineAdvantage(double shift) implements GroupAdvantage {

    public ShiftedBaselineAdvantage {
        if (!Double.isFinite(shift)) {
            throw new IllegalArgumentException("baseline shift must be finite, got " + shift);
        }
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<GroupAdvantages> centred = new GroupNormalizedAdvantage(RewardScaling.NONE).advantages(batch);
        if (shift == 0.0) {
            return centred;
        }
        List<GroupAdvantages> out = new ArrayList<>(centred.size());
        for (GroupAdvantages a : centred) {
            double[] shifted = new double[a.advantages().length];
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] = a.advantages()[i] - shift;
            }
            out.add(new GroupAdvantages(shifted, a.keep(), a.baseline() + shift, a.rewards()));
        }
        return out;
    }
}
