package org.grpowb.core.store;

/**
 * A rollout whose completion matched a text search.
 *
 * @param step         the step it was sampled in
 * @param groupIndex   its group's position in the step's batch
 * @param rolloutIndex its position in the group
 * @param completion   the completion text
 */
public record RolloutHit(int step, int groupIndex, int rolloutIndex, String completion) {
}
