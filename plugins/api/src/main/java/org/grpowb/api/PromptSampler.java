package org.grpowb.api;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Chooses which prompts a training step draws and how many rollouts each gets: uniform epochs, staged curricula,
 * DAPO's dynamic sampling, variance-aware sampling, GDRO's difficulty-aware sampling and rollout allocation.
 *
 * <p>Contract: {@link #draw} must be a function of its {@link Round} and of the state this sampler restores through
 * {@link #restoreState}: the engine re-runs steps after a resume and expects the same draws. Use only
 * {@link Round#random()} for randomness. Called on the training thread, one round at a time.
 */
public interface PromptSampler {

    /** Name used in {@code project.yaml} ({@code curriculum: {sampler: ...}}). */
    String name();

    /** One line for menus and {@code --help}. */
    String description();

    /** The settings this sampler understands ({@code curriculum.sampler_settings}), with defaults and bounds. */
    default List<SettingSpec> settings() {
        return List.of();
    }

    /** Called once with the resolved settings before any draw, and again when a live edit changes them. */
    default void configure(Settings settings) {
    }

    /**
     * The prompts of one round. Round 0 is the step's first draw; later rounds refill groups that {@link #keeps}
     * dropped, and must not return an example in {@link Round#exclude()}.
     *
     * @return at most {@link Round#count()} draws of distinct examples, from {@link Round#candidates()}
     */
    List<Draw> draw(Round round);

    /**
     * Whether a sampled and scored group is trained on; a dropped group is replaced by a refill round (DAPO drops
     * groups whose rewards are all equal). Default: every group is kept.
     */
    default boolean keeps(GroupOutcome group) {
        return true;
    }

    /** Rounds of refills after the first draw when groups were dropped. Default 0. */
    default int maxRefillRounds() {
        return 0;
    }

    /** Called once per step after the step's groups are scored, with every group kept or not. */
    default void observe(int step, List<GroupOutcome> groups) {
    }

    /** The state this sampler learned (multiplicative weights, say), to checkpoint; empty when it keeps none. */
    default Map<String, Double> saveState() {
        return Map.of();
    }

    /** Restores what {@link #saveState} returned. */
    default void restoreState(Map<String, Double> state) {
    }

    /**
     * One example the current curriculum stage allows.
     *
     * @param example the example
     * @param weight  the stage's sampling weight for it (1 unless the stage weighs its metadata)
     */
    record Candidate(Example example, double weight) {
    }

    /**
     * A draw: an example and how many rollouts its group gets.
     *
     * @param rollouts the group size, at least 2 (a group of one has no relative advantage)
     */
    record Draw(Example example, int rollouts) {
        public Draw {
            if (rollouts < 2) {
                throw new IllegalArgumentException("a group needs at least 2 rollouts, got " + rollouts
                        + " for '" + example.id() + "'");
            }
        }
    }

    /**
     * What a round is drawn from.
     *
     * @param step       1-based training step
     * @param totalSteps steps of the run
     * @param round      0 for the first draw of the step, 1.. for refills
     * @param count      prompts wanted this round
     * @param groupSize  G, the configured rollouts per prompt (an allocating sampler keeps this mean)
     * @param candidates what the current curriculum stage allows, in data order
     * @param exclude    ids already drawn this step
     * @param seed       the run's seed (an epoch-walking sampler permutes with it)
     * @param random     seeded by (seed, step, round): the only randomness a sampler may use
     * @param history    each prompt's history so far, by id ({@link PromptHistory#unseen} for a new one)
     */
    record Round(int step, int totalSteps, int round, int count, int groupSize, List<Candidate> candidates,
                 Set<String> exclude, long seed, Random random, Function<String, PromptHistory> history) {
        public Round {
            candidates = List.copyOf(candidates);
            exclude = Set.copyOf(exclude);
        }
    }

    /**
     * A sampled and scored group.
     *
     * @param example  the prompt
     * @param rewards  each rollout's total reward
     * @param correct  rollouts judged correct
     * @param tier     hint tier it was sampled with
     */
    record GroupOutcome(Example example, double[] rewards, int correct, int tier) {

        /** All rewards equal: no relative advantage anywhere in the group. */
        public boolean rewardsAllEqual() {
            for (double r : rewards) {
                if (r != rewards[0]) {
                    return false;
                }
            }
            return true;
        }
    }
}
