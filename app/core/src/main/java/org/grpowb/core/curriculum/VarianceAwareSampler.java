package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Variance-aware sampling after MMR1 ("MMR1: Enhancing Multimodal Reasoning with Variance-Aware Sampling and Open
 * Resources", 2025): a group's reward variance lower-bounds its expected policy-gradient magnitude, so prompts whose
 * outcome variance is high are the ones worth drawing. With 0/1 correctness a prompt of pass rate p has outcome
 * variance p(1 − p), largest at p = ½ and zero for prompts always solved or never solved. Each round draws without
 * replacement, prompt i ∝ w_i · (p_i(1 − p_i) + floor), w_i its stage weight and p_i its mean pass rate over its last
 * {@code window} visits.
 *
 * <p>MMR1's Variance Promotion Score also rewards trajectory diversity; {@link org.grpowb.api.PromptHistory} keeps no
 * trajectories, so only the outcome-variance term is used. A prompt never drawn gets p = ½, the maximum of p(1 − p):
 * an optimistic prior, so every prompt is tried early rather than waiting behind prompts already known to be
 * informative. The {@code floor} keeps solved and hopeless prompts reachable, since their pass rate is a stale estimate
 * once the policy moves.
 */
public final class VarianceAwareSampler implements PromptSampler {

    /** p(1 − p) at its maximum: what a never-drawn prompt is assumed to have. */
    static final double UNSEEN_PASS_RATE = 0.5;

    private int window = 4;
    private double floor = 0.05;

    @Override
    public String name() {
        return "variance_aware";
    }

    @Override
    public String description() {
        return "MMR1 variance-aware sampling: prefer prompts whose pass rate p has high p(1 - p)";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(
                SettingSpec.integer("window", "recent visits a prompt's pass rate is averaged over "
                        + "(ours: 4, enough to tell 0 from 1/2 with small groups, recent enough to follow the policy)", 4, 1, 16),
                SettingSpec.number("floor", "added to p(1 - p) so solved and hopeless prompts stay reachable "
                        + "(ours: 0.05, a fifth of the best prompt's 0.25)", 0.05, 0.0, 1.0));
    }

    @Override
    public void configure(Settings settings) {
        window = settings.integer("window");
        floor = settings.number("floor");
    }

    @Override
    public List<Draw> draw(Round round) {
        List<Candidate> open = Draws.open(round);
        List<Draw> out = new ArrayList<>();
        for (int i : Draws.weighted(samplingWeights(round, open), round.count(), round.random())) {
            out.add(new Draw(open.get(i).example(), round.groupSize()));
        }
        return out;
    }

    /** w_i · (p_i(1 − p_i) + floor) for each open candidate, in order. */
    double[] samplingWeights(Round round, List<Candidate> open) {
        double[] out = new double[open.size()];
        for (int i = 0; i < out.length; i++) {
            Candidate c = open.get(i);
            double p = Draws.passRate(round, c.example(), window, UNSEEN_PASS_RATE);
            out[i] = c.weight() * (p * (1 - p) + floor);
        }
        return out;
    }
}
