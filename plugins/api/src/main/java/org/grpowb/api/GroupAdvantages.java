package org.grpowb.api;

/**
 * Per-rollout advantages of one group.
 *
 * @param advantages A_i, one per rollout (broadcast to the rollout's tokens by the engine)
 * @param keep       whether rollout i enters the loss; false for a masked pivot (MC-GRPO) or a dropped group (DAPO)
 * @param baseline   the baseline b the estimator subtracted (mean, median, calibrated mean), shown in the inspector
 * @param rewards    r̃_i, the scalar reward of each rollout as the estimator saw it: the weighted total, after any
 *                   shaping the estimator applies (DAPO's overlong penalty, the unlikeliness bonus). Sign flips compare
 *                   sign(A_i) with sign(r̃_i − b_ref), so an estimator that shapes must report the shaped value here.
 */
public record GroupAdvantages(double[] advantages, boolean[] keep, double baseline, double[] rewards) {
    public GroupAdvantages {
        if (advantages.length != keep.length || rewards.length != keep.length) {
            throw new IllegalArgumentException("advantages " + advantages.length + ", keep " + keep.length
                    + " and rewards " + rewards.length + " must have one entry per rollout");
        }
    }

    /** True when every rollout's advantage is zero: the group contributes no policy gradient. */
    public boolean allZero() {
        for (int i = 0; i < advantages.length; i++) {
            if (keep[i] && advantages[i] != 0.0) {
                return false;
            }
        }
        return true;
    }
}
