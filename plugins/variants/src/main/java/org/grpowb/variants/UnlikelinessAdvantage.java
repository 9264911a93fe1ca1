package org.grpowb.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * The unlikeliness reward, from "Rewarding the Unlikely: Lifting GRPO Beyond Distribution Sharpening" (He et al.
 * 2025). GRPO has a rank bias: among correct completions it reinforces the likely ones most, so it sharpens the
 * distribution around what the model already solves instead of lifting pass@N. The unlikeliness reward shapes the
 * reward before the advantage is computed, so that the least likely correct completion gets the most:
 *
 * <pre>
 *   correct   : r_i ≥ correct_threshold · r_max           r_max = {@link RewardGroup#maxReward()}
 *   rank_i    = 0 for the least likely correct completion under π_old, 1 for the next, ... (correct ones only)
 *   r_i      ← r_i · (1 − β_u · rank_i / G)           for correct completions; others keep r_i
 *   A_i       = GRPO's advantage of the shaped rewards ({@link GroupNormalizedAdvantage}, {@code scale_rewards})
 * </pre>
 *
 * <p>Likelihood is {@link RewardGroup#sequenceLogProbs()} (log π_old(y_i | x), a sum over tokens) with
 * {@code likelihood = sum}, or that sum divided by the completion's length with {@code likelihood = mean}. Ties keep
 * sampling order (the earlier rollout ranks lower). A group whose correct completions all differ in likelihood no
 * longer has equal rewards even when every rollout is correct: the rare correct proofs are still pushed up, which is
 * the point.
 *
 * <p>Checked against the authors' code (AndreHe02/rewarding-unlikely-release, {@code _compute_advantages},
 * {@code rank_penalty}): they rank all G rollouts rather than the correct ones (wrong ones have reward 0, so only the
 * ranks' spacing differs) and use the per-token mean log-prob. We follow the workbench's formula
 * ({@code algorithms.md}: ranks among correct completions, sequence log-probability) by default and offer their
 * likelihood as {@code mean}. A length of 0 counts as 1. The baseline reported for sign-flip detection is the mean of
 * the shaped rewards, and the rewards reported ({@link GroupAdvantages#rewards()}, r̃_i) are the shaped ones, the
 * values that were centred.
 *
 * @param scaling          the advantage's {@code scale_rewards}
 * @param rankPenalty      β_u ∈ [0, 1]
 * @param correctThreshold the share of the group's maximum attainable reward ({@link RewardGroup#maxReward()}) at
 *                         which a completion counts as correct, in [0, 1]; 1 (the default) means "reached r_max",
 *                         the paper's correct answer for 0/1 rewards, and stays right for a reward whose best score is
 *                         5 or a weighted sum of several rewards, where an absolute 1 would count partial credit
 * @param likelihood       how completions are ranked
 */
public record UnlikelinessAdvantage(RewardScaling scaling, double rankPenalty, double correctThreshold,
                                    Likelihood likelihood) implements GroupAdvantage {

    /** What completions are ranked by. */
    public enum Likelihood {
        /** log π_old(y | x), the sum over the completion's tokens. */
        SUM("sum"),
        /** The per-token mean, sum / |y| (the authors' code). */
        MEAN("mean");

        private final String settingValue;

        Likelihood(String settingValue) {
            this.settingValue = settingValue;
        }

        public String settingValue() {
            return settingValue;
        }

        public static List<String> settingValues() {
            return Arrays.stream(values()).map(Likelihood::settingValue).toList();
        }

        /**
         * @throws IllegalArgumentException naming the value and the known ones
         */
        public static Likelihood of(String settingValue) {
            for (Likelihood l : values()) {
                if (l.settingValue.equals(settingValue)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown likelihood '" + settingValue + "'; known: " + settingValues());
        }
    }

    public UnlikelinessAdvantage {
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(likelihood, "likelihood");
        if (!(rankPenalty >= 0 && rankPenalty <= 1)) {
            throw new IllegalArgumentException("rankPenalty must be in [0, 1], got " + rankPenalty);
        }
        if (!(correctThreshold >= 0 && correctThreshold <= 1)) {
            throw new IllegalArgumentException("correctThreshold must be a share of r_max in [0, 1], got "
                    + correctThreshold);
        }
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<RewardGroup> shaped = new ArrayList<>(batch.size());
        for (RewardGroup group : batch) {
            shaped.add(RewardGroup.scalar(group.promptId(), group.maxReward(), shapedRewards(group)));
        }
        return new GroupNormalizedAdvantage(scaling).advantages(shaped);
    }

    /** r_i · (1 − β_u · rank_i / G) for the correct completions, r_i for the others. */
    double[] shapedRewards(RewardGroup group) {
        double[] r = GroupRewardStatistics.totals(group);
        double max = group.maxReward();
        if (!Double.isFinite(max)) {
            throw new IllegalArgumentException("group '" + group.promptId() + "': maxReward is not finite: " + max);
        }
        double threshold = correctThreshold * max;
        int n = r.length;
        List<Integer> correct = new ArrayList<>();
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            if (r[i] >= threshold) {
                correct.add(i);
                score[i] = likelihood(group, i);
            }
        }
        // List.sort is stable: equal likelihoods keep sampling order
        correct.sort(Comparator.comparingDouble(i -> score[i]));
        double[] out = r.clone();
        for (int rank = 0; rank < correct.size(); rank++) {
            int i = correct.get(rank);
            out[i] = r[i] * (1 - rankPenalty * rank / n);
        }
        return out;
    }

    private double likelihood(RewardGroup group, int i) {
        double logProb = group.sequenceLogProbs()[i];
        if (!Double.isFinite(logProb)) {
            throw new IllegalArgumentException("group '" + group.promptId() + "': sequence log-prob of rollout " + i
                    + " is not finite: " + logProb);
        }
        return likelihood == Likelihood.SUM ? logProb : logProb / Math.max(group.lengths()[i], 1);
    }
}
