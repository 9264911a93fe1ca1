package org.grpowb.api;

/**
 * Per-rollout advantages of one group.
 *
 * @param advantages A_i, one per rollout (broadcast to the rollout's tokens by the engine)
 * @param keep       whether rollout i enters the loss; false for a masked pivot (MC-GRPO) or a dropped group (DAPO)
 * @param baseline   the baseline b the estimator subtracted (mean, median, calibrated mean), used to detect sign flips
 */
public record GroupAdvantages(double[] advantages, boolean[] keep, double baseline) {
    public GroupAdvantages {
        if (advantages.length != keep.length) {
            throw new IllegalArgumentException("advantages " + advantages.length + " != keep " + keep.length);
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
