package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Rollout-GDRO ("Group Distributionally Robust Optimization-Driven Reinforcement Learning for LLM Reasoning", 2026):
 * under a fixed mean budget of G rollouts per prompt, spend rollouts where they reduce gradient variance most. The
 * paper's variance-proxy analysis gives the square-root allocation n_i ∝ √(p_i(1 − p_i)), p_i the prompt's pass
 * rate; we use that closed form directly rather than the paper's shadow-price controller that converges to it.
 *
 * <p>Prompts are chosen as {@link UniformSampler} chooses them. A round of k prompts gets exactly k·G rollouts (the
 * step costs what plain GRPO costs), each prompt between 2 (a group of one has no relative advantage) and
 * {@code max_rollouts}; a prompt never drawn gets p = ½. Real-valued shares are clipped to those bounds with the
 * excess re-spread over the others, then rounded by largest remainder (ties to the earlier prompt).
 */
public final class RolloutGdroSampler implements PromptSampler {

    static final double UNSEEN_PASS_RATE = 0.5;
    static final int MIN_ROLLOUTS = 2;

    private final UniformSampler uniform = new UniformSampler();
    private int window = 4;
    private int maxRollouts = 32;

    @Override
    public String name() {
        return "rollout_gdro";
    }

    @Override
    public String description() {
        return "Rollout-GDRO: rollouts per prompt in proportion to sqrt(p(1 - p)), mean G per round";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(
                SettingSpec.integer("window", "recent visits a prompt's pass rate is averaged over (ours: 4)", 4, 1, 16),
                SettingSpec.integer("max_rollouts", "most rollouts one prompt may get (ours: 32, four times the "
                        + "usual G = 8, so one group cannot eat a step's memory; never below G)", 32, 2, 1024));
    }

    @Override
    public void configure(Settings settings) {
        window = settings.integer("window");
        maxRollouts = settings.integer("max_rollouts");
    }

    @Override
    public List<Draw> draw(Round round) {
        List<Draw> chosen = uniform.draw(round);
        double[] p = new double[chosen.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = Draws.passRate(round, chosen.get(i).example(), window, UNSEEN_PASS_RATE);
        }
        int[] n = allocate(p, round.groupSize(), maxRollouts);
        List<Draw> out = new ArrayList<>(p.length);
        for (int i = 0; i < p.length; i++) {
            Example e = chosen.get(i).example();
            out.add(new Draw(e, n[i]));
        }
        return out;
    }

    /**
     * Rollouts per prompt: n_i ∝ √(p_i(1 − p_i)), Σ n_i = k·G exactly, 2 ≤ n_i ≤ max(maxRollouts, G).
     * All-zero scores (every prompt solved or hopeless) split the budget evenly; budget the capped prompts cannot
     * take goes evenly to the others.
     */
    static int[] allocate(double[] passRates, int groupSize, int maxRollouts) {
        int k = passRates.length;
        int lo = MIN_ROLLOUTS;
        int hi = Math.max(maxRollouts, groupSize);
        int total = k * groupSize;
        double[] score = new double[k];
        for (int i = 0; i < k; i++) {
            double p = passRates[i];
            score[i] = Math.sqrt(Math.max(0, p * (1 - p)));
        }
        double[] share = new double[k];
        boolean[] fixed = new boolean[k];
        while (true) {
            double left = total;
            double scoreLeft = 0;
            int free = 0;
            for (int i = 0; i < k; i++) {
                if (fixed[i]) {
                    left -= share[i];
                } else {
                    scoreLeft += score[i];
                    free++;
                }
            }
            if (free == 0) {
                break;
            }
            for (int i = 0; i < k; i++) {
                if (!fixed[i]) {
                    share[i] = scoreLeft > 0 ? left * score[i] / scoreLeft : left / free;
                }
            }
            // pin every share below the minimum first, then (only if none was) every share above the maximum
            boolean pinned = false;
            for (int i = 0; i < k; i++) {
                if (!fixed[i] && share[i] < lo) {
                    share[i] = lo;
                    fixed[i] = true;
                    pinned = true;
                }
            }
            if (!pinned) {
                for (int i = 0; i < k; i++) {
                    if (!fixed[i] && share[i] > hi) {
                        share[i] = hi;
                        fixed[i] = true;
                        pinned = true;
                    }
                }
            }
            if (!pinned) {
                break;
            }
        }
        // every prompt with a positive score at the cap and budget left over: the rest (solved or hopeless prompts
        // pinned at the minimum) share it evenly, up to the cap; k·G ≤ k·cap guarantees it fits
        double residual = total;
        for (double v : share) {
            residual -= v;
        }
        while (residual > 1e-9) {
            int below = 0;
            for (double v : share) {
                if (v < hi - 1e-9) {
                    below++;
                }
            }
            double each = residual / below;
            for (int i = 0; i < k; i++) {
                if (share[i] < hi - 1e-9) {
                    double add = Math.min(each, hi - share[i]);
                    share[i] += add;
                    residual -= add;
                }
            }
        }
        int[] n = new int[k];
        int assigned = 0;
        for (int i = 0; i < k; i++) {
            n[i] = (int) Math.floor(share[i] + 1e-9);
            assigned += n[i];
        }
        // largest remainder: the leftover rollouts go to the largest fractional parts, ties to the earlier prompt
        for (int extra = total - assigned; extra > 0; extra--) {
            int best = -1;
            double bestFrac = -1;
            for (int i = 0; i < k; i++) {
                double frac = share[i] - n[i];
                if (n[i] < hi && frac > bestFrac + 1e-12) {
                    best = i;
                    bestFrac = frac;
                }
            }
            n[best]++;
        }
        return n;
    }
}
