package org.grpowb.api;

import java.util.List;

/**
 * Chooses the hint tier a prompt's next group is sampled with (Scaf-GRPO's tiered in-prompt hints and the like).
 * Tier 0 is no hint; tier t shows the first t of the problem's hints (for Scaf-GRPO: a concept, a strategy, a first
 * step), so a higher tier helps more.
 *
 * <p>Contract: a function of its {@link Request} (the prompt's {@link PromptHistory} is checkpointed by the engine),
 * so a resumed run chooses as the uninterrupted one did. Rewards and evaluation never see hints: the tier changes only
 * the prompt the policy is sampled with.
 */
public interface HintPolicy {

    /** Name used in {@code project.yaml} ({@code hints: {policy: ...}}). */
    String name();

    /** One line for menus and {@code --help}. */
    String description();

    /** The settings this policy understands ({@code hints.settings}), with defaults and bounds. */
    default List<SettingSpec> settings() {
        return List.of();
    }

    /** Called once with the resolved settings, and again when a live edit changes them. */
    default void configure(Settings settings) {
    }

    Choice choose(Request request);

    /**
     * @param step    1-based training step the group is for
     * @param example the prompt
     * @param tiers   hints the problem has (0: none, so only tier 0 is possible)
     * @param history the prompt's visits so far
     */
    record Request(int step, Example example, int tiers, PromptHistory history) {
    }

    /**
     * @param tier        the tier the group is sampled with, in [0, tiers]
     * @param hintedTier  when &gt; 0, one rollout of the group is sampled with this tier instead (Scaf-GRPO's
     *                    replacement of a failed rollout by a hinted one); 0 for none
     */
    record Choice(int tier, int hintedTier) {
        public static final Choice NONE = new Choice(0, 0);

        public Choice {
            if (tier < 0 || hintedTier < 0) {
                throw new IllegalArgumentException("hint tiers are 0 or more, got " + tier + " and " + hintedTier);
            }
        }
    }
}
