package org.grpowb.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * A-GRAE, asymmetric group-relative advantage estimation, from "Unveiling Implicit Advantage Symmetry: Why GRPO
 * Struggles with Exploration and Difficulty Adaptation" (Yu et al. 2026). GRPO's advantages are symmetric in two ways
 * the paper finds sub-optimal: correct and incorrect rollouts get equal total weight (which leaves unsampled
 * solutions' logits unchanged: too little exploration), and the std normalisation always favours prompts of medium
 * difficulty. A-GRAE reshapes a base advantage A_i (GRPO's, {@link GroupNormalizedAdvantage}, with its
 * {@code scale_rewards}) in two steps, both driven by one training clock s ∈ [0, 1]:
 *
 * <pre>
 *   p_g    = mean_i clamp(r_i / r_max, 0, 1)            the group's success rate (its pass rate for 0/1 rewards)
 *   p̃_g    = clamp(p_g, 1/G, 1 − 1/G)                   G ≥ 2; see below
 *   easy_i = 0.5 · A_i / (1 − √p̃_g + 1e-6)              large for easy prompts (p near 1)
 *   hard_i = 0.5 · A_i / (√p̃_g + 1e-6)                  large for hard prompts (p near 0)
 *   A_i'   = (1 − s) · easy_i + s · hard_i                difficulty focus moves from easy to hard as s grows
 *   A_i'  ← λ_pos · A_i'  when A_i' > 0,   λ_pos = min(1, s / α)      positives suppressed while s is small
 * </pre>
 *
 * <p>What we chose, checked against the authors' code (Yu7-code/A-GRAE, {@code compute_grpo_outcome_advantage} with
 * {@code grpo_weight == 2.0}): the formulas above are theirs. Their clock s is not the step count but the batch's
 * accuracy, the mean of the groups' success rates, so the schedule follows what the model can do: {@code schedule =
 * accuracy} (the default) does that. {@code schedule = progress} uses the engine's training progress
 * ((step − 1) / steps, given to {@link #advantages(List, double)}) instead, for runs where a fixed easy-to-hard
 * schedule is wanted; note that then λ_pos = 0 at the first step, so positive advantages start fully suppressed.
 * {@link #advantages(List)} without a progress value reads progress as 0. α is their {@code alpha} (1 for maths,
 * 0.5 for their geometry and medical sets).
 *
 * <p>Our generalisations, for rewards that are not 0/1: p_g divides by the group's maximum attainable reward
 * ({@link RewardGroup#maxReward()}, which must be positive) and clamps each rollout to [0, 1]; and p̃_g is clamped to
 * [1/G, 1 − 1/G], the success rates a mixed 0/1 group of size G can have, so it changes nothing for 0/1 rewards but
 * keeps √p̃ and 1 − √p̃ away from 0 when a group's rewards vary while none succeed (a penalty reward) or all exceed
 * r_max, where the weights would otherwise reach 1/1e-6. A group with all-equal rewards has A = 0 and keeps it. Every
 * rollout is kept; the baseline reported for sign-flip detection is the base estimator's (the group mean), and so are
 * the rewards (the weighted totals: A-GRAE reweights advantages, it does not shape rewards).
 *
 * @param scaling  the base advantage's {@code scale_rewards}
 * @param schedule what the clock s is
 * @param alpha    α ∈ (0, 1]: λ_pos reaches 1 once s ≥ α
 */
public record AsymmetricGroupAdvantage(RewardScaling scaling, Schedule schedule, double alpha) implements GroupAdvantage {

    /** What drives the schedules. */
    public enum Schedule {
        /** The batch's mean success rate, as the authors' code. */
        ACCURACY("accuracy"),
        /** The engine's training progress, (step − 1) / steps. */
        PROGRESS("progress");

        private final String settingValue;

        Schedule(String settingValue) {
            this.settingValue = settingValue;
        }

        public String settingValue() {
            return settingValue;
        }

        public static List<String> settingValues() {
            return Arrays.stream(values()).map(Schedule::settingValue).toList();
        }

        /**
         * @throws IllegalArgumentException naming the value and the known ones
         */
        public static Schedule of(String settingValue) {
            for (Schedule s : values()) {
                if (s.settingValue.equals(settingValue)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + settingValue + "'; known: " + settingValues());
        }
    }

    private static final double EPS = 1e-6;

    public AsymmetricGroupAdvantage {
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(schedule, "schedule");
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        return advantages(batch, 0.0);
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch, double progress) {
        List<GroupAdvantages> base = new GroupNormalizedAdvantage(scaling).advantages(batch);
        double[] successRates = new double[batch.size()];
        for (int g = 0; g < batch.size(); g++) {
            successRates[g] = successRate(batch.get(g));
        }
        double s = clock(successRates, progress);
        double lambdaPos = Math.min(1.0, s / alpha);

        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (int g = 0; g < batch.size(); g++) {
            GroupAdvantages b = base.get(g);
            double[] a = b.advantages().clone();
            int n = a.length;
            double p = n >= 2 ? Math.min(Math.max(successRates[g], 1.0 / n), 1.0 - 1.0 / n) : successRates[g];
            double root = Math.sqrt(p);
            for (int i = 0; i < n; i++) {
                if (a[i] == 0.0) {
                    continue;
                }
                double easy = 0.5 * a[i] / (1 - root + EPS);
                double hard = 0.5 * a[i] / (root + EPS);
                double reshaped = (1 - s) * easy + s * hard;
                a[i] = reshaped > 0 ? lambdaPos * reshaped : reshaped;
            }
            out.add(new GroupAdvantages(a, b.keep(), b.baseline(), b.rewards()));
        }
        return out;
    }

    /** The clock s ∈ [0, 1]: the batch's mean success rate, or the training progress. */
    double clock(double[] successRates, double progress) {
        if (schedule == Schedule.PROGRESS) {
            if (!Double.isFinite(progress)) {
                throw new IllegalArgumentException("progress must be finite, got " + progress);
            }
            return Math.min(Math.max(progress, 0.0), 1.0);
        }
        return GroupRewardStatistics.mean(successRates);
    }

    /** mean_i clamp(r_i / r_max, 0, 1). */
    static double successRate(RewardGroup group) {
        double max = group.maxReward();
        if (!(max > 0) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("group '" + group.promptId()
                    + "': A-GRAE needs a positive finite maxReward to read rewards as success rates, got " + max);
        }
        double[] r = GroupRewardStatistics.totals(group);
        double sum = 0;
        for (double v : r) {
            sum += Math.min(Math.max(v / max, 0.0), 1.0);
        }
        return r.length == 0 ? 0.0 : sum / r.length;
    }
}
