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
 * MC-GRPO's median-centred advantage, from "MC-GRPO: Median-Centered Group Relative Policy Optimization for
 * Small-Rollout Reinforcement Learning" (Kim 2026). With few rollouts the group mean is a noisy baseline and flips the
 * sign of some advantages; the median of G + 1 rewards is far less sensitive to one outlier.
 *
 * <pre>
 *   the engine samples G + 1 rollouts, so each group given here has n = G + 1 rewards
 *   m     = median(r_1 .. r_n)
 *   A_i   = (r_i − m) / (std(r_1 .. r_n) + 1e-6)      scale = std
 *   A_i   =  r_i − m                                 scale = none
 *   A_i   = (r_i − m) / (MAD + 1e-3) · n / n_≠0       scale = mad, MAD = median_i |r_i − m|,
 *                                                    n_≠0 = number of rollouts with A_i ≠ 0 (only those are rescaled)
 *   pivot : A = 0 and keep = false, so G rollouts carry gradient and the update costs what G-rollout GRPO costs
 * </pre>
 *
 * <p>The pivot and the median, deterministically: the rewards are sorted stably (equal rewards keep their sampling
 * order) and the pivot is the rollout at position ⌊(n − 1) / 2⌋ of that order; m is its reward. For odd n (the
 * intended G + 1) that is the median; for even n it is the lower median, as {@code torch.median} returns, so a group
 * of any size still has exactly one pivot, and m is always a reward some rollout got. For rewards 1, 0, 0 the order is
 * rollouts 1, 2, 0 and the pivot is rollout 2. ({@code torch.median}, which the authors' code uses, leaves the index
 * of tied values unspecified.) Every rollout whose reward equals m gets A = 0, not only the pivot; only the pivot is
 * masked. The standard deviation is the sample one over all n rewards, pivot included, as in
 * {@link GroupNormalizedAdvantage}. A group whose rewards are all equal has A = 0 everywhere (its pivot is still
 * masked). The baseline reported for sign-flip detection is m, the rewards reported the weighted totals r_i.
 *
 * <p>{@code scale = mad} is the authors' code (lotusroot-kim/MC-GRPO, {@code grpo_trainer_gsm.py},
 * {@code _generate_and_score_completions} with {@code mc}): the median absolute deviation of the n rewards, taken with
 * the same lower median as the pivot ({@code torch.median}), + 1e-3; then, per group, the advantages that are not
 * within 1e-6 of 0 ({@code torch.isclose}, atol 1e-6) are multiplied by n over their count, which weighs a group by how
 * few of its rollouts carry signal (groups against each other; nothing changes within a group). The pivot counts
 * among the n, as in their code. With 0/1 rewards the MAD of an odd group is always 0 (the majority sits at the
 * median), so the scale is a constant 1e-3: rewards 1, 0, 0 give A = 1000 · 3 = 3000 for the correct rollout. The
 * default stays {@code std}, the workbench's formula ({@code algorithms.md}), whose size does not depend on that
 * constant.
 */
public final class MedianCenteredAdvantage implements GroupAdvantage {

    /** What the median-centred rewards are divided by. */
    public enum Scale {
        /** The sample std of the group's n rewards, + 1e-6. */
        STD("std"),
        /** Nothing: A_i = r_i − m. */
        NONE("none"),
        /** The authors' code: MAD + 1e-3, then a group's non-zero advantages times n / (their count). */
        MAD("mad");

        private final String settingValue;

        Scale(String settingValue) {
            this.settingValue = settingValue;
        }

        public String settingValue() {
            return settingValue;
        }

        public static List<String> settingValues() {
            return Arrays.stream(values()).map(Scale::settingValue).toList();
        }

        /**
         * @throws IllegalArgumentException naming the value and the known ones
         */
        public static Scale of(String settingValue) {
            for (Scale s : values()) {
                if (s.settingValue.equals(settingValue)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown median scale '" + settingValue + "'; known: " + settingValues());
        }
    }

    /** Added to the MAD before dividing, as in the authors' code. */
    static final double MAD_EPSILON = 1e-3;

    /** How close to 0 an advantage counts as zero for the re-weighting ({@code torch.isclose}'s atol there). */
    static final double ZERO_TOLERANCE = 1e-6;

    private final Scale scale;

    public MedianCenteredAdvantage(Scale scale) {
        this.scale = Objects.requireNonNull(scale, "scale");
    }

    public Scale scale() {
        return scale;
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (RewardGroup group : batch) {
            out.add(one(GroupRewardStatistics.totals(group)));
        }
        return out;
    }

    private GroupAdvantages one(double[] r) {
        int n = r.length;
        double[] a = new double[n];
        boolean[] keep = GroupRewardStatistics.keepAll(n);
        if (n == 0) {
            return new GroupAdvantages(a, keep, 0.0, r);
        }
        int pivot = pivot(r);
        double m = r[pivot];
        keep[pivot] = false;
        if (!GroupRewardStatistics.allEqual(r)) {
            double s = switch (scale) {
                case STD -> GroupRewardStatistics.sampleStd(r) + GroupRewardStatistics.STD_EPSILON;
                case NONE -> 1.0;
                case MAD -> medianAbsoluteDeviation(r, m) + MAD_EPSILON;
            };
            for (int i = 0; i < n; i++) {
                a[i] = (r[i] - m) / s;
            }
        }
        a[pivot] = 0.0;
        if (scale == Scale.MAD) {
            reweightNonZero(a);
        }
        return new GroupAdvantages(a, keep, m, r);
    }

    /** median_i |r_i − m|, the lower median as for the pivot. */
    static double medianAbsoluteDeviation(double[] r, double m) {
        double[] deviations = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            deviations[i] = Math.abs(r[i] - m);
        }
        Arrays.sort(deviations);
        return deviations[(r.length - 1) / 2];
    }

    /** The advantages farther than 1e-6 from 0, times n over their count (the authors' group re-weighting). */
    private static void reweightNonZero(double[] a) {
        int nonZero = 0;
        for (double v : a) {
            nonZero += Math.abs(v) > ZERO_TOLERANCE ? 1 : 0;
        }
        if (nonZero == 0) {
            return;
        }
        double factor = (double) a.length / nonZero;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i]) > ZERO_TOLERANCE) {
                a[i] *= factor;
            }
        }
    }

    /** The rollout at position ⌊(n − 1) / 2⌋ of the rewards sorted stably; n ≥ 1. */
    static int pivot(double[] r) {
        Integer[] order = new Integer[r.length];
        for (int i = 0; i < r.length; i++) {
            order[i] = i;
        }
        // Arrays.sort on objects is a stable merge sort: ties keep sampling order
        Arrays.sort(order, Comparator.comparingDouble(i -> r[i]));
        return order[(r.length - 1) / 2];
    }
}
