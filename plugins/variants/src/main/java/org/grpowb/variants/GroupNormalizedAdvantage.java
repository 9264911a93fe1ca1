package org.grpowb.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * GRPO's group-relative advantage, from "DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language
 * Models" (Shao et al. 2024), outcome supervision: every rollout of a group shares the baseline mean(r) of the group,
 * so no value network is needed.
 *
 * <pre>
 *   r_i = Σ_k w_k r_i^k                              (weighted total of the K reward components)
 *   A_i = (r_i − mean(r)) / (std(r) + 1e-6)           scale_rewards = group
 *   A_i = (r_i − mean(r)) / (std(r_batch) + 1e-6)     scale_rewards = batch  (still centred by the group mean)
 *   A_i =  r_i − mean(r)                              scale_rewards = none
 * </pre>
 *
 * <p>The standard deviation is the sample one with Bessel's correction (divides by n − 1), because that is what
 * {@code torch.std} computes in TRL's {@code GRPOTrainer}, whose option names we use; with fewer than two values it
 * is taken as 0 (TRL does the same for a single generation). The 1e-6 follows the workbench's written formula
 * ({@code algorithms.md}); recent TRL adds 1e-4 instead, which differs only for groups whose std is below about 1e-2.
 *
 * <p>A group whose rewards are all equal carries no learning signal: its advantages are exactly 0 (not the tiny
 * rounding residue of r_i − mean(r), which division by 1e-6 would blow up). The baseline reported for sign-flip
 * detection is the group mean, the rewards reported the weighted totals r_i; every rollout is kept.
 */
public final class GroupNormalizedAdvantage implements GroupAdvantage {

    /** Added to the std so that a near-constant group does not divide by (almost) zero. */
    public static final double STD_EPSILON = 1e-6;

    private final RewardScaling scaling;

    public GroupNormalizedAdvantage(RewardScaling scaling) {
        this.scaling = Objects.requireNonNull(scaling, "scaling");
    }

    public RewardScaling scaling() {
        return scaling;
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<double[]> totals = new ArrayList<>(batch.size());
        for (RewardGroup group : batch) {
            totals.add(checkedTotals(group));
        }
        double batchStd = scaling == RewardScaling.BATCH
                ? sampleStd(totals.stream().flatMapToDouble(Arrays::stream).toArray())
                : 0.0;
        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (double[] r : totals) {
            double scale = switch (scaling) {
                case GROUP -> sampleStd(r) + STD_EPSILON;
                case BATCH -> batchStd + STD_EPSILON;
                case NONE -> 1.0;
            };
            out.add(normalise(r, scale));
        }
        return out;
    }

    private static GroupAdvantages normalise(double[] r, double scale) {
        double[] a = new double[r.length];
        boolean[] keep = new boolean[r.length];
        Arrays.fill(keep, true);
        if (allEqual(r)) {
            return new GroupAdvantages(a, keep, r.length == 0 ? 0.0 : r[0], r);
        }
        double mean = mean(r);
        for (int i = 0; i < r.length; i++) {
            a[i] = (r[i] - mean) / scale;
        }
        return new GroupAdvantages(a, keep, mean, r);
    }

    private static double[] checkedTotals(RewardGroup group) {
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
        double sum = 0.0;
        for (double v : x) {
            sum += v;
        }
        return x.length == 0 ? 0.0 : sum / x.length;
    }

    /** Sample standard deviation (divides by n − 1, as {@code torch.std}); 0 for fewer than two values. */
    static double sampleStd(double[] x) {
        if (x.length < 2) {
            return 0.0;
        }
        double mean = mean(x);
        double ss = 0.0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (x.length - 1));
    }

    private static boolean allEqual(double[] x) {
        for (double v : x) {
            if (v != x[0]) {
                return false;
            }
        }
        return true;
    }
}
