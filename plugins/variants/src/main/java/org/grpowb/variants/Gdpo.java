package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * GDPO, from "GDPO: Group reward-Decoupled Normalization Policy Optimization for Multi-reward RL Optimization"
 * (NVIDIA 2026): each reward normalised within its group before the weighted sum ({@link DecoupledRewardAdvantage}),
 * then the clipped token loss ({@link ClippedTokenLoss}). Only the advantage differs from GRPO, so the loss settings
 * and their defaults are {@link Grpo}'s.
 *
 * <p>Settings: {@code beta}, {@code epsilon}, {@code epsilon_high}, {@code loss_type} as in {@link Grpo}, and
 * {@code batch_norm} (default true, as in the authors' code): normalise the combined advantages over the batch.
 */
public final class Gdpo implements GrpoVariant {

    static final String BATCH_NORM = "batch_norm";

    private static final List<SettingSpec> SETTINGS = ClippedLossSettings.GRPO_DEFAULTS.specs(
            SettingSpec.flag(BATCH_NORM, "normalise the summed per-reward advantages over the whole batch", true));

    @Override
    public String name() {
        return "gdpo";
    }

    @Override
    public String description() {
        return "GDPO: each reward normalised within its group, then weighted and summed, then normalised over the batch";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new DecoupledRewardAdvantage(settings.flag(BATCH_NORM));
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return ClippedLossSettings.loss(settings);
    }

    @Override
    public boolean needsReference(Settings settings) {
        return ClippedLossSettings.needsReference(settings);
    }
}
