package org.grpowb.core.run;

/**
 * One visit of a prompt: a group sampled for it at one step. A prompt's visits in step order show how the policy's
 * success on it moved and which hints and edits were in force, which is what a curriculum or hint decision looks at.
 *
 * @param promptId      the example's id
 * @param step          the step the group was sampled in
 * @param hintTier      the hint tier the group was sampled with
 * @param rollouts      how many rollouts the group had
 * @param correct       how many of them a verifier judged {@code CORRECT}
 * @param zeroAdvantage whether every rollout's advantage was 0, so the group taught nothing
 * @param editVersion   the run's edit version in force when the group was sampled
 */
public record PromptVisit(String promptId, int step, int hintTier, int rollouts, int correct, boolean zeroAdvantage,
                          int editVersion) {
}
