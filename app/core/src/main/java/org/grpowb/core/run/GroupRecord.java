package org.grpowb.core.run;

import java.util.List;

/**
 * One prompt's group of rollouts within a step.
 *
 * @param index          position of the group in the step's batch
 * @param promptId       the example's id
 * @param prompt         prompt text
 * @param answer         reference answer
 * @param baseline       the baseline the advantage estimator subtracted
 * @param rollouts       the G rollouts
 * @param hintTier       the hint tier the group was sampled with (0: no hint)
 * @param renderedPrompt the exact text the policy saw, chat template and hint included; null when unknown (a group
 *                       recorded before the store kept it, or an engine that does not report it)
 * @param editVersion    the version of the run's steering edits in force when the group was sampled (0: none applied)
 */
public record GroupRecord(int index, String promptId, String prompt, String answer, double baseline,
                          List<RolloutRecord> rollouts, int hintTier, String renderedPrompt, int editVersion) {
    public GroupRecord {
        rollouts = List.copyOf(rollouts);
    }

    /** A group sampled without a hint, under no steering edit, whose rendered prompt was not kept. */
    public GroupRecord(int index, String promptId, String prompt, String answer, double baseline,
                       List<RolloutRecord> rollouts) {
        this(index, promptId, prompt, answer, baseline, rollouts, 0, null, 0);
    }
}
