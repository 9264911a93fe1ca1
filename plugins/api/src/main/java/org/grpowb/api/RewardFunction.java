package org.grpowb.api;

import java.util.List;

/**
 * A verifiable reward: scores one completion of one example.
 *
 * <p>Contract: pure and thread-safe (the engine may call it from several threads); must return the scores named by
 * {@link #scoreNames()}, in that order, all finite. It may throw or take too long; the engine time-boxes each call and
 * marks that rollout's reward as failed rather than stopping the run.
 */
public interface RewardFunction {

    /** Name used in {@code project.yaml} ({@code rewards: [{name: ...}]}). */
    String name();

    /** One line for menus and {@code --help}. */
    String description();

    /** Names of the scores {@link #score} returns, in order; usually just {@code List.of(name())}. */
    default List<String> scoreNames() {
        return List.of(name());
    }

    /** The settings this function understands, with defaults and bounds. */
    default List<SettingSpec> settings() {
        return List.of();
    }

    /**
     * The range every score of this function lies in, as [min, max] (each score named by {@link #scoreNames()} shares
     * it). Default [0, 1], the range of a verifier's pass/fail. Calibrating estimators (NGRPO's virtual best
     * completion, A-GRAE) take the maximum attainable weighted total from it, and the engine fails a rollout's reward,
     * with a message, when a score falls outside it, as it does for a throw. Called after {@link #configure}.
     */
    default ScoreRange scoreRange() {
        return ScoreRange.UNIT;
    }

    /** Called once with the resolved settings before any scoring. */
    default void configure(Settings settings) {
    }

    RewardResult score(String completion, Example example);

    /**
     * Whether {@link #scoreBatch} is this function's natural unit (a worker process, a remote verifier): the engine
     * then calls it once per step with every rollout, time-boxed as a whole, instead of {@link #score} once per
     * rollout.
     */
    default boolean batched() {
        return false;
    }

    /**
     * Scores completions, each of its own example (same order), as TRL's reward functions take them. An element may
     * be null: that rollout's reward failed (a Python function's {@code None}, say) and only it is flagged; a throw
     * fails every rollout of the batch. By default, {@link #score} one by one.
     */
    default List<RewardResult> scoreBatch(List<String> completions, List<Example> examples) {
        if (completions.size() != examples.size()) {
            throw new IllegalArgumentException(completions.size() + " completions but " + examples.size() + " examples");
        }
        List<RewardResult> out = new java.util.ArrayList<>(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            out.add(score(completions.get(i), examples.get(i)));
        }
        return out;
    }
}
