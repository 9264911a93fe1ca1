package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * MC-GRPO, from "MC-GRPO: Median-Centered Group Relative Policy Optimization for Small-Rollout Reinforcement Learning"
 * (Kim 2026): sample G + 1 rollouts ({@link #extraRollouts}), centre rewards on their median and mask the median
 * rollout out of the loss ({@link MedianCenteredAdvantage}), so G rollouts carry gradient. The paper applies the
 * same baseline swap to GRPO, DAPO and Dr. GRPO alike, so the loss is GRPO's clipped token loss
 * ({@link ClippedTokenLoss}) with GRPO's settings and defaults ({@link ClippedLossSettings#GRPO_DEFAULTS}); its
 * {@code loss_type} selects the aggregation of each of those forms.
 *
 * <p>Settings: {@code beta}, {@code epsilon}, {@code epsilon_high}, {@code loss_type} as in {@link Grpo}, and
 * {@code scale}: what r_i − median is divided by — {@code std} (the default, the workbench's formula in
 * {@code algorithms.md}: the sample std of the G + 1 rewards), {@code none}, or {@code mad} (the authors' code: MAD
 * + 1e-3, then each group's non-zero advantages times (G + 1) / their count; see {@link MedianCenteredAdvantage}).
 */
public final class McGrpo implements GrpoVariant {

    static final String SCALE = "scale";

    private static final List<SettingSpec> SETTINGS = ClippedLossSettings.GRPO_DEFAULTS.specs(
            SettingSpec.choice(SCALE, "what rewards centred on the median are divided by: std of the G + 1 rewards, none, "
                            + "or mad (the authors' code: MAD + 0.001, then non-zero advantages times (G + 1) / their count)",
                    MedianCenteredAdvantage.Scale.STD.settingValue(),
                    MedianCenteredAdvantage.Scale.settingValues().toArray(String[]::new)));

    @Override
    public String name() {
        return "mc_grpo";
    }

    @Override
    public String description() {
        return "MC-GRPO: G + 1 rollouts, advantages centred on the median, the median rollout masked out of the loss";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new MedianCenteredAdvantage(MedianCenteredAdvantage.Scale.of(settings.choice(SCALE)));
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return ClippedLossSettings.loss(settings);
    }

    /** One more rollout than the configured G: the group median of an odd count is a reward some rollout got. */
    @Override
    public int extraRollouts(Settings settings) {
        return 1;
    }

    @Override
    public boolean needsReference(Settings settings) {
        return ClippedLossSettings.needsReference(settings);
    }
}
