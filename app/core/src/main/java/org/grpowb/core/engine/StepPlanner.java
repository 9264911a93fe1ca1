package org.grpowb.core.engine;

import java.util.List;
import java.util.Set;
import org.grpowb.api.Example;
import org.grpowb.api.PromptSampler;

/**
 * What a step samples: which prompts, how many rollouts each, with which hint, at which learning rate and
 * temperature. {@link Steering} answers it from the curriculum, the prompt sampler, the hint policy and the run's live
 * edits; {@link GrpoStep} only carries it out.
 */
interface StepPlanner {

    /** The plan of step {@code step}: its first draw and the step's knobs. */
    StepPlan plan(int step);

    /** Groups to replace dropped ones in refill round {@code round} (1..), none of them in {@code exclude}. */
    List<PlannedGroup> refill(int step, int round, Set<String> exclude, int count);

    /** Whether a sampled, scored group is trained on (DAPO drops groups with equal rewards). */
    boolean keeps(PromptSampler.GroupOutcome group);

    /** Refill rounds allowed after the first draw. */
    int maxRefillRounds();

    /** Every group the step sampled, kept or not, after scoring. */
    void observe(int step, List<Observed> groups);

    /**
     * One group to sample.
     *
     * @param example      the problem (rewards judge against it, never against the hint)
     * @param rollouts     the group's size
     * @param tier         hint tier of the group's prompt (0: none)
     * @param prompt       the text given to the policy: the example's prompt with the tier's hints rendered in
     * @param hintedTier   &gt; 0 when the group's last rollout is a hinted replacement sampled with this tier
     * @param hintedPrompt that rollout's prompt text, null when there is none
     */
    record PlannedGroup(Example example, int rollouts, int tier, String prompt, int hintedTier, String hintedPrompt) {

        /** A plain group: the example's own prompt, no hint. */
        static PlannedGroup plain(Example example, int rollouts) {
            return new PlannedGroup(example, rollouts, 0, example.prompt(), 0, null);
        }

        boolean hasHintedRollout() {
            return hintedTier > 0 && hintedPrompt != null;
        }
    }

    /**
     * @param groups        the step's first draw
     * @param learningRate  this step's Adam step size (a live edit may change it)
     * @param temperature   this step's sampling temperature
     * @param maxNewTokens  this step's completion budget (a curriculum stage may lower it)
     * @param editVersion   the run's edit version in force
     * @param stage         the curriculum stage the step trains in (0-based)
     * @param lengthBudget  the step's length budget in tokens for the length reward term, 0 for none
     */
    record StepPlan(List<PlannedGroup> groups, double learningRate, double temperature, int maxNewTokens,
                    int editVersion, int stage, int lengthBudget) {
        public StepPlan {
            groups = List.copyOf(groups);
        }
    }

    /**
     * A sampled group as the planner learns from it.
     *
     * @param plan           what was planned
     * @param rewards        each rollout's total reward
     * @param correct        each rollout judged correct
     * @param zeroAdvantage  the group carried no policy gradient
     * @param trained        the group was trained on (not dropped by dynamic sampling)
     */
    record Observed(PlannedGroup plan, double[] rewards, boolean[] correct, boolean zeroAdvantage, boolean trained) {
    }
}
