package org.grpowb.variants;

import java.util.Arrays;
import org.grpowb.api.RewardGroup;

/**
 * The few statistics of a group's rewards that every estimator of this package needs, with the same conventions as
 * {@link GroupNormalizedAdvantage}: the sample standard deviation (n − 1, as {@code torch.std}), 1e-6 added before
 * dividing, non-finite rewards refused with the group named.
 */
final class GroupRewardStatistics {

    /** Added to a standard deviation before dividing by it, as in {@code algorithms.md}. */
    static final double STD_EPSILON = GroupNormalizedAdvantage.STD_EPSILON;

    private GroupRewardStatistics() {
    }

    /**
     * The weighted totals r_i = Σ_k w_k r_i^k.
     *
     * @throws IllegalArgumentException naming the group and the rollout when a total is not finite
     */
    static double[] totals(RewardGroup group) {
        double[] r = group.totals();
        for (int i = 0; i < r.length; i++) {
            if (!Double.isFinite(r[i])) {
                throw new IllegalArgumentException("group '" + group.promptId() + "': reward of rollout " + i
                        + " is not finite: " + r[i]);
            }
        }
        return r;
    }

    static double mean(double[] x) {
        return GroupNormalizedAdvantage.mean(x);
    }

    /** Sample standard deviation (n − 1); 0 for fewer than two values. */
    static double sampleStd(double[] x) {
        return GroupNormalizedAdvantage.sampleStd(x);
    }

    /**
     * True when every value equals the first (or there are none). Estimators return exact zeros for such groups: the
     * rounding residue of x_i − mean(x) divided by a std of 0 + 1e-6 would otherwise turn into spurious advantages.
     */
    static boolean allEqual(double[] x) {
        for (double v : x) {
            if (v != x[0]) {
                return false;
            }
        }
        return true;
    }

    /** A keep mask with every rollout kept. */
    static boolean[] keepAll(int n) {
        boolean[] keep = new boolean[n];
        Arrays.fill(keep, true);
        return keep;
    }
}
