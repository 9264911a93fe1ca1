package org.grpowb.api;

import java.util.List;
import java.util.Objects;

/**
 * The rewards of one prompt's group of G rollouts, as an advantage estimator sees them.
 *
 * @param promptId    the example's id
 * @param rewardNames names of the K reward components, in column order
 * @param rewards     G x K matrix: {@code rewards[i][k]} is component k of rollout i (0 where a reward call failed)
 * @param weights     K weights w_k from the project file
 * @param maxReward   the largest attainable weighted total Σ_k w_k r_k (used by calibrating estimators such as NGRPO)
 * @param completions the G completion texts (for estimators that cluster answers, e.g. SEED-GRPO)
 * @param lengths     completion lengths |y_i| in tokens (for length shaping, e.g. DAPO's overlong penalty)
 * @param sequenceLogProbs log π_old(y_i | x) = Σ_t log π_old(y_{i,t}), one per rollout (e.g. the unlikeliness reward)
 * @param maxCompletionLength the sampling budget L_max in tokens
 */
public record RewardGroup(String promptId, List<String> rewardNames, double[][] rewards, double[] weights, double maxReward,
                          List<String> completions, int[] lengths, double[] sequenceLogProbs, int maxCompletionLength) {

    /** A group with rewards only; completions are empty, lengths and log-probs zero. */
    public RewardGroup(String promptId, List<String> rewardNames, double[][] rewards, double[] weights, double maxReward) {
        this(promptId, rewardNames, rewards, weights, maxReward, java.util.Collections.nCopies(rewards.length, ""),
                new int[rewards.length], new double[rewards.length], 0);
    }

    public RewardGroup {
        completions = List.copyOf(completions);
        if (completions.size() != rewards.length || lengths.length != rewards.length
                || sequenceLogProbs.length != rewards.length) {
            throw new IllegalArgumentException("completions, lengths and log-probs must have one entry per rollout ("
                    + rewards.length + ")");
        }
        Objects.requireNonNull(promptId, "promptId");
        rewardNames = List.copyOf(rewardNames);
        if (weights.length != rewardNames.size()) {
            throw new IllegalArgumentException("weights " + weights.length + " != reward names " + rewardNames.size());
        }
        for (double[] row : rewards) {
            if (row.length != weights.length) {
                throw new IllegalArgumentException("reward row has " + row.length + " components, expected " + weights.length);
            }
        }
    }

    /** Group size G. */
    public int size() {
        return rewards.length;
    }

    /** Weighted totals r_i = Σ_k w_k r_i^k, one per rollout. */
    public double[] totals() {
        double[] t = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            for (int k = 0; k < weights.length; k++) {
                t[i] += weights[k] * rewards[i][k];
            }
        }
        return t;
    }

    /** A single-component group with unit weight, handy for tests and scalar-reward tasks. */
    public static RewardGroup scalar(String promptId, double maxReward, double... rewards) {
        double[][] m = new double[rewards.length][1];
        for (int i = 0; i < rewards.length; i++) {
            m[i][0] = rewards[i];
        }
        return new RewardGroup(promptId, List.of("reward"), m, new double[]{1.0}, maxReward);
    }
}
