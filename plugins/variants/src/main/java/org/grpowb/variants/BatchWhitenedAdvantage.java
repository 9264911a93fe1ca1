package org.grpowb.variants;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * REINFORCE++ with a group baseline, from "REINFORCE++: A Simple and Efficient Approach for Aligning Large Language
 * Models" (Hu 2025), its variant for outcome rewards with several samples per prompt: the group mean removes the
 * prompt's difficulty, then normalisation over the whole batch, not the group, sets the scale, which the paper argues
 * is more stable than GRPO's per-group std (a group of near-equal rewards cannot blow its advantages up).
 *
 * <pre>
 *   a_i  = r_i − mean_g(r)                                   group-centred, r_i = Σ_k w_k r_i^k
 *   μ    = Σ_i |y_i| a_i / T,   T = Σ_i |y_i|                the batch's token-weighted mean
 *   σ²   = Σ_i |y_i| (a_i − μ)² / (T − 1)                   token-weighted, Bessel-corrected (T − 1 only when T &gt; 1)
 *   A_i  = (a_i − μ) / √(σ² + 1e-8)
 * </pre>
 *
 * <p>Checked against verl ({@code compute_reinforce_plus_plus_baseline_outcome_advantage}, which broadcasts a_i to
 * the response tokens and calls {@code masked_whiten} over every response token of the batch): a mean and a variance
 * over tokens weigh each rollout by its length |y_i| ({@link RewardGroup#lengths()}); {@code masked_var} multiplies by
 * T/(T − 1) with T the token count; the whitened value is (a − μ) · rsqrt(σ² + 1e-8). We compute the same from one
 * number per rollout. What we chose where verl has no answer or a different one:
 * <ul>
 *   <li>when every length in the batch is 0 (a batch built without lengths) every rollout weighs 1, so T is the
 *       number of rollouts;</li>
 *   <li>with T ≤ 1 there is no Bessel correction (verl raises an error);</li>
 *   <li>a group of one rollout is centred on itself (a = 0); verl uses a baseline of 0 there.</li>
 * </ul>
 * As in verl, a group whose rewards are all equal is not left at 0: its rollouts get −μ/σ, the batch shift (μ is 0
 * when each group's rollouts have equal lengths, since each group's a_i sum to 0).
 *
 * <p>Every rollout is kept. The baseline reported for sign-flip detection is mean_g(r) + μ, the reward level A_i is
 * measured from (A_i &gt; 0 exactly when r_i &gt; mean_g(r) + μ); the rewards reported are the totals r_i.
 */
public final class BatchWhitenedAdvantage implements GroupAdvantage {

    /** Added to the variance before the square root, as verl's {@code masked_whiten}. */
    static final double VARIANCE_EPSILON = 1e-8;

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<double[]> totals = new ArrayList<>(batch.size());
        List<double[]> centred = new ArrayList<>(batch.size());
        List<Double> means = new ArrayList<>(batch.size());
        boolean anyLength = false;
        for (RewardGroup group : batch) {
            double[] r = GroupRewardStatistics.totals(group);
            double mean = GroupRewardStatistics.mean(r);
            double[] a = new double[r.length];
            if (!GroupRewardStatistics.allEqual(r)) {
                for (int i = 0; i < r.length; i++) {
                    a[i] = r[i] - mean;
                }
            }
            totals.add(r);
            centred.add(a);
            means.add(mean);
            for (int length : group.lengths()) {
                if (length < 0) {
                    throw new IllegalArgumentException("group '" + group.promptId() + "': negative length " + length);
                }
                anyLength |= length > 0;
            }
        }

        double tokens = 0;
        double weightedSum = 0;
        for (int g = 0; g < batch.size(); g++) {
            int[] lengths = batch.get(g).lengths();
            double[] a = centred.get(g);
            for (int i = 0; i < a.length; i++) {
                double w = anyLength ? lengths[i] : 1;
                tokens += w;
                weightedSum += w * a[i];
            }
        }
        double mu = tokens > 0 ? weightedSum / tokens : 0.0;
        double squares = 0;
        for (int g = 0; g < batch.size(); g++) {
            int[] lengths = batch.get(g).lengths();
            double[] a = centred.get(g);
            for (int i = 0; i < a.length; i++) {
                double w = anyLength ? lengths[i] : 1;
                squares += w * (a[i] - mu) * (a[i] - mu);
            }
        }
        double variance = tokens > 1 ? squares / (tokens - 1) : tokens > 0 ? squares / tokens : 0.0;
        double scale = Math.sqrt(variance + VARIANCE_EPSILON);

        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (int g = 0; g < batch.size(); g++) {
            double[] a = centred.get(g);
            double[] whitened = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                whitened[i] = (a[i] - mu) / scale;
            }
            out.add(new GroupAdvantages(whitened, GroupRewardStatistics.keepAll(a.length), means.get(g) + mu,
                    totals.get(g)));
        }
        return out;
    }
}
