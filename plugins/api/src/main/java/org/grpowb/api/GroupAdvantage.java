package org.grpowb.api;

import java.util.List;

/**
 * A group-advantage estimator: turns each group's rewards into per-rollout advantages.
 *
 * <p>Contract: called once per training step with every group of the batch (some estimators normalise over the whole
 * batch); returns one {@link GroupAdvantages} per group, in order, each with one entry per rollout. All values finite.
 */
public interface GroupAdvantage {
    List<GroupAdvantages> advantages(List<RewardGroup> batch);

    /**
     * The same, for estimators that follow a schedule over training (A-GRAE); the engine calls this one.
     *
     * @param progress training progress in [0, 1]: (step − 1) / steps
     */
    default List<GroupAdvantages> advantages(List<RewardGroup> batch, double progress) {
        return advantages(batch);
    }
}
