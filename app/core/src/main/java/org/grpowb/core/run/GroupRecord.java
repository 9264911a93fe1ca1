package org.grpowb.core.run;

import java.util.List;

/**
 * One prompt's group of rollouts within a step.
 *
 * @param index    position of the group in the step's batch
 * @param promptId the example's id
 * @param prompt   prompt text
 * @param answer   reference answer
 * @param baseline the baseline the advantage estimator subtracted
 * @param rollouts the G rollouts
 */
public record GroupRecord(int index, String promptId, String prompt, String answer, double baseline,
                          List<RolloutRecord> rollouts) {
    public GroupRecord {
        rollouts = List.copyOf(rollouts);
    }
}
