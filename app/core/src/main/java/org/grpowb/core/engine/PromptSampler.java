package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.grpowb.api.Example;

/**
 * Chooses a step's prompts: the training split is walked in epochs, each a fresh seeded permutation, so every prompt
 * is visited once per epoch. The choice for step s depends only on (seed, s), which makes resume exact.
 */
public final class PromptSampler {

    private final List<Example> examples;
    private final long seed;
    private final int perStep;
    private int cachedEpoch = -1;
    private List<Integer> cachedOrder;

    public PromptSampler(List<Example> examples, long seed, int perStep) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.examples = List.copyOf(examples);
        this.seed = seed;
        this.perStep = perStep;
    }

    /** The prompts of 1-based step {@code step}. */
    public List<Example> pick(int step) {
        List<Example> out = new ArrayList<>(perStep);
        long start = (long) (step - 1) * perStep;
        for (long k = start; k < start + perStep; k++) {
            int epoch = (int) (k / examples.size());
            int pos = (int) (k % examples.size());
            out.add(examples.get(order(epoch).get(pos)));
        }
        return out;
    }

    private List<Integer> order(int epoch) {
        if (epoch != cachedEpoch) {
            List<Integer> idx = new ArrayList<>(examples.size());
            for (int i = 0; i < examples.size(); i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, new Random(Seeds.derive(seed, epoch, Seeds.PROMPTS)));
            cachedOrder = idx;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
