package org.grpowb.core.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.Example;

/**
 * DAPO's dynamic sampling ("DAPO: An Open-Source LLM Reinforcement Learning System at Scale", Yu et al. 2025): a group
 * whose rewards are all equal has zero advantage everywhere and carries no policy gradient, so it is dropped and the
 * batch is filled again with groups of freshly drawn prompts, for up to {@code max_resample_rounds} rounds. Fresh
 * prompts are never ones already drawn this step, so a batch does not train twice on one prompt.
 */
final class DynamicSampling {

    /** Samples and scores one group per example; {@code purpose} seeds the draw. */
    interface Sampler {
        ScoredBatch sample(List<Example> examples, int purpose);
    }

    /**
     * @param batch   the groups trained on
     * @param sampled groups sampled this step, the first batch and every refill round together
     * @param dropped groups sampled but not trained on: those with equal rewards and any fresh group not needed
     */
    record Filtered(ScoredBatch batch, int sampled, int dropped) {
    }

    private final List<Example> trainSet;
    private final RewardScorer rewards;
    private final int maxRounds;
    private final long seed;

    DynamicSampling(List<Example> trainSet, RewardScorer rewards, int maxRounds, long seed) {
        this.trainSet = List.copyOf(trainSet);
        this.rewards = rewards;
        this.maxRounds = maxRounds;
        this.seed = seed;
    }

    Filtered refill(ScoredBatch drawn, int step, Sampler sampler) {
        int want = drawn.size();
        int sampled = drawn.size();
        Set<String> used = new HashSet<>();
        drawn.examples().forEach(e -> used.add(e.id()));
        ScoredBatch kept = drawn.select(informative(drawn, want));
        for (int round = 1; round <= maxRounds && kept.size() < want; round++) {
            List<Example> fresh = unused(used, want - kept.size(),
                    new Random(Seeds.derive(seed, step, Seeds.RESAMPLE + round)));
            if (fresh.isEmpty()) {
                break; // every prompt of the split was drawn this step
            }
            fresh.forEach(e -> used.add(e.id()));
            ScoredBatch more = sampler.sample(fresh, Seeds.RESAMPLE + round);
            sampled += more.size();
            kept = kept.append(more.select(informative(more, want - kept.size())));
        }
        if (kept.size() == 0) {
            // nothing informative at all: train on the drawn (zero-gradient) batch, as a plain step would
            return new Filtered(drawn, sampled, sampled - drawn.size());
        }
        return new Filtered(kept, sampled, sampled - kept.size());
    }

    /** Up to {@code count} examples not in {@code used}, drawn without replacement. */
    private List<Example> unused(Set<String> used, int count, Random random) {
        List<Example> out = new ArrayList<>(count);
        Set<String> taken = new HashSet<>();
        // rejection first (the split is usually far larger than a step), a full scan when it runs dry
        for (int tries = 0; out.size() < count && tries < 20 * count; tries++) {
            Example e = trainSet.get(random.nextInt(trainSet.size()));
            if (!used.contains(e.id()) && taken.add(e.id())) {
                out.add(e);
            }
        }
        for (int i = 0; out.size() < count && i < trainSet.size(); i++) {
            Example e = trainSet.get(i);
            if (!used.contains(e.id()) && taken.add(e.id())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Indices of the first {@code limit} groups whose rewards are not all equal. */
    private List<Integer> informative(ScoredBatch b, int limit) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < b.size() && out.size() < limit; p++) {
            List<RewardScorer.Scored> group = b.scores().get(p);
            double first = rewards.total(group.get(0).components());
            if (group.stream().anyMatch(s -> rewards.total(s.components()) != first)) {
                out.add(p);
            }
        }
        return out;
    }
}
