package org.grpowb.core.thr;

/**
 * Token Hidden Reward of one group that has it (some rollouts correct, some not), with the group's dominance
 * threshold. The arrays are shared, not copied: treat them as read-only.
 *
 * @param thr      THR_{j,k} = A_j · s_{j,k}: one array per rollout, of its length
 * @param tau      τ = β_τ · min over correct completions i of (1/|y_i|) Σ_l s_{i,l}; may be negative when a correct
 *                 completion's mean score is, and then every token is dominant
 * @param dominant whether |THR_{j,k}| &gt; τ, shaped as {@code thr}
 */
public record GroupThr(float[][] thr, double tau, boolean[][] dominant) {

    public GroupThr {
        if (thr.length != dominant.length) {
            throw new IllegalArgumentException(thr.length + " rollouts of THR, " + dominant.length + " of dominance");
        }
        for (int j = 0; j < thr.length; j++) {
            if (thr[j].length != dominant[j].length) {
                throw new IllegalArgumentException("rollout " + j + ": " + thr[j].length + " THR values, "
                        + dominant[j].length + " dominance flags");
            }
        }
    }

    /** Completion tokens of the group. */
    public int tokens() {
        int n = 0;
        for (float[] rollout : thr) {
            n += rollout.length;
        }
        return n;
    }

    /** Tokens with |THR| &gt; τ. */
    public int dominantTokens() {
        int n = 0;
        for (boolean[] rollout : dominant) {
            for (boolean d : rollout) {
                if (d) {
                    n++;
                }
            }
        }
        return n;
    }
}
