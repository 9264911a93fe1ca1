package org.grpowb.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GroupAdvantages;
import org.grpowb.api.RewardGroup;

/**
 * DAPO's advantage, from "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" (Yu et al. 2025): the
 * rewards are first shaped by the soft overlong punishment, then normalised within the group as in GRPO
 * ({@link GroupNormalizedAdvantage}, group std); with dynamic sampling, groups that carry no signal are dropped.
 *
 * <pre>
 *   R_length(y) =  0                                  |y| ≤ L_max − L_cache
 *                  ((L_max − L_cache) − |y|) / L_cache   L_max − L_cache &lt; |y| ≤ L_max
 *                 −1                                  |y| &gt; L_max
 *   r_i ← r_i + R_length(y_i)                           (before the group mean and std)
 * </pre>
 *
 * L_max is the group's {@link RewardGroup#maxCompletionLength()}, |y_i| its {@link RewardGroup#lengths()}. The
 * penalty falls linearly from 0 to −1 across the last L_cache tokens of the budget, so a completion the sampler cut
 * at L_max gets −1, the same as one beyond it (which a sampler with budget L_max cannot produce). A group without a
 * budget (L_max &lt; 1, e.g. built with the rewards-only constructor) is not shaped.
 *
 * <p>L_cache = f · L_max, with f the {@code bufferFraction}: the paper's L_cache = 4096 of L_max = 20480 is
 * f = 0.2, and a fraction keeps that proportion at any budget, where a token count tuned for 20480 tokens would
 * swallow the workbench's budgets of a few tokens whole. L_cache need not be a whole number of tokens: the penalty
 * is the same straight line from 0 at L_max − L_cache to −1 at L_max (with L_max = 8 and f = 0.2: 0 up to 6 tokens,
 * (6.4 − 7) / 1.6 = −0.375 at 7, −1 at 8). verl's DAPO recipe calls L_cache {@code overlong_buffer.len}.
 *
 * <p>Dynamic sampling (DAPO section 3.2): a group whose rewards are all equal carries no gradient. When
 * {@code dropUniformGroups} is set, such a group is returned with {@code keep = false} for every rollout and zero
 * advantages, so it neither enters the loss nor counts in the token-level normaliser, and the engine can replace it.
 * Uniformity is judged on the <em>unshaped</em> totals r_i = Σ_k w_k r_i^k, as the paper filters on accuracy
 * (verl's DAPO recipe, {@code filter_groups.metric: acc}), so all-correct groups whose lengths differ are dropped too.
 * The baseline reported is the mean shaped reward, and the rewards reported ({@link GroupAdvantages#rewards()}, r̃_i)
 * are the shaped totals r_i + R_length(y_i): they are what was centred, so the engine's sign-flip check
 * sign(A_i) ≠ sign(r̃_i − b_ref) compares like with like.
 *
 * @param shaping           whether the overlong penalty is added ({@code overlong_shaping})
 * @param bufferFraction    f ∈ (0, 1], L_cache / L_max ({@code overlong_buffer_fraction})
 * @param dropUniformGroups whether all-equal groups are dropped ({@code dynamic_sampling})
 */
public record OverlongShapedAdvantage(boolean shaping, double bufferFraction, boolean dropUniformGroups)
        implements GroupAdvantage {

    /** The paper's L_cache / L_max = 4096 / 20480. */
    public static final double PAPER_BUFFER_FRACTION = 4096.0 / 20480;

    public OverlongShapedAdvantage {
        if (!(bufferFraction > 0 && bufferFraction <= 1)) {
            throw new IllegalArgumentException("overlong buffer fraction must be in (0, 1], got " + bufferFraction);
        }
    }

    /**
     * DAPO's soft overlong punishment R_length for one completion.
     *
     * @param length    |y| in tokens
     * @param maxLength L_max, at least 1
     * @param cache     L_cache in tokens (not necessarily whole), positive; taken as L_max when larger
     */
    public static double penalty(int length, int maxLength, double cache) {
        if (maxLength < 1 || !(cache > 0) || Double.isInfinite(cache)) {
            throw new IllegalArgumentException("need L_max >= 1 and a finite L_cache > 0, got " + maxLength + ", "
                    + cache);
        }
        double c = Math.min(cache, maxLength);
        double free = maxLength - c;
        if (length <= free) {
            return 0.0;
        }
        // exactly −1 from the budget on, whatever the rounding of free − length
        if (length >= maxLength) {
            return -1.0;
        }
        return (free - length) / c;
    }

    @Override
    public List<GroupAdvantages> advantages(List<RewardGroup> batch) {
        List<RewardGroup> shaped = new ArrayList<>(batch.size());
        for (RewardGroup group : batch) {
            shaped.add(shape(group));
        }
        List<GroupAdvantages> normalised = new GroupNormalizedAdvantage(RewardScaling.GROUP).advantages(shaped);
        List<GroupAdvantages> out = new ArrayList<>(batch.size());
        for (int g = 0; g < batch.size(); g++) {
            GroupAdvantages a = normalised.get(g);
            if (dropUniformGroups && allEqual(batch.get(g).totals())) {
                out.add(new GroupAdvantages(new double[a.advantages().length], new boolean[a.keep().length],
                        a.baseline(), a.rewards()));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** The group with one component, the shaped total, so that the GRPO estimator normalises it unchanged. */
    private RewardGroup shape(RewardGroup group) {
        double[] r = group.totals();
        int maxLength = group.maxCompletionLength();
        double[][] m = new double[r.length][1];
        for (int i = 0; i < r.length; i++) {
            m[i][0] = shaping && maxLength >= 1
                    ? r[i] + penalty(group.lengths()[i], maxLength, bufferFraction * maxLength)
                    : r[i];
        }
        return new RewardGroup(group.promptId(), List.of("shaped_reward"), m, new double[]{1.0}, group.maxReward(),
                group.completions(), group.lengths(), group.sequenceLogProbs(), maxLength);
    }

    private static boolean allEqual(double[] x) {
        return Arrays.stream(x).allMatch(v -> v == x[0]);
    }
}
