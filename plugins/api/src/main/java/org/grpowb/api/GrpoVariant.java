package org.grpowb.api;

import java.util.List;

/**
 * A member of the GRPO family: an advantage estimator and a policy loss, configured from declared settings.
 * Selected by {@link #name()} in {@code project.yaml} ({@code variant: {name: grpo}}) or with {@code --variant}.
 */
public interface GrpoVariant {

    String name();

    /** One line for menus and {@code --help}. */
    String description();

    List<SettingSpec> settings();

    GroupAdvantage advantage(Settings settings);

    PolicyLoss loss(Settings settings);

    /** Rollouts to sample per prompt beyond the configured G (MC-GRPO samples G + 1). */
    default int extraRollouts(Settings settings) {
        return 0;
    }

    /**
     * DAPO's dynamic sampling: the engine drops groups whose rewards are all equal (they carry no gradient) and samples
     * more prompts until the batch is full again, up to the trainer's {@code max_resample_rounds}.
     */
    default boolean dynamicSampling(Settings settings) {
        return false;
    }

    /**
     * Whether the variant's loss honours per-token advantages (each token's own A_{i,t}), which THR-guided
     * reweighting and {@code top_entropy_quantile} produce. A loss that reads one advantage per sequence must say
     * false here: the engine then refuses those settings with a clear error instead of letting them be averaged away.
     */
    default boolean tokenAdvantages(Settings settings) {
        return true;
    }

    /** Whether the engine must compute log-probs under the frozen reference policy (β > 0). */
    default boolean needsReference(Settings settings) {
        return true;
    }
}
