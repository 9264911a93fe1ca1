package org.grpowb.core.curriculum;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.PromptSampler;

/**
 * A staged curriculum's sampler: each round draws without replacement, each prompt ∝ the weight its curriculum stage
 * gives it ({@link WeightRule}); the stage's filter already chose which prompts are candidates. With no weight rule
 * every candidate weighs 1 and this is uniform sampling without replacement within the step (not an epoch walk).
 */
public final class StagedSampler implements PromptSampler {

    @Override
    public String name() {
        return "staged";
    }

    @Override
    public String description() {
        return "curriculum stages: draw the stage's prompts without replacement, each in proportion to its stage weight";
    }

    @Override
    public List<Draw> draw(Round round) {
        List<Candidate> open = Draws.open(round);
        double[] weights = new double[open.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = open.get(i).weight();
        }
        List<Draw> out = new ArrayList<>();
        for (int i : Draws.weighted(weights, round.count(), round.random())) {
            out.add(new Draw(open.get(i).example(), round.groupSize()));
        }
        return out;
    }
}
