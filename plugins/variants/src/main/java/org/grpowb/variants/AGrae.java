package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * GRPO with A-GRAE advantages, from "Unveiling Implicit Advantage Symmetry: Why GRPO Struggles with Exploration and
 * Difficulty Adaptation" (Yu et al. 2026): positive advantages suppressed while the model is weak and a difficulty
 * focus that moves from easy to hard prompts ({@link AsymmetricGroupAdvantage}, where the formulas and the choices
 * made are written out), with GRPO's clipped token loss ({@link ClippedTokenLoss}) and its defaults.
 *
 * <p>Settings: {@code beta}, {@code epsilon}, {@code epsilon_high}, {@code loss_type} as in {@link Grpo};
 * {@code scale_rewards} of the base advantage (default {@code group}; {@code none} gives A-GRAE on Dr. GRPO, which
 * the paper also evaluates); {@code schedule} ({@code accuracy}, the default and the authors' choice, or
 * {@code progress}); {@code alpha} (default 1, the authors' value for maths).
 */
public final class AGrae implements GrpoVariant {

    static final String SCHEDULE = "schedule";
    static final String ALPHA = "alpha";

    private static final List<SettingSpec> SETTINGS = ClippedLossSettings.GRPO_DEFAULTS.specs(
            ClippedLossSettings.scaleRewards(RewardScaling.GROUP),
            SettingSpec.choice(SCHEDULE, "what drives the schedules: the batch's accuracy or the training progress",
                    AsymmetricGroupAdvantage.Schedule.ACCURACY.settingValue(),
                    AsymmetricGroupAdvantage.Schedule.settingValues().toArray(String[]::new)),
            SettingSpec.number(ALPHA, "positive advantages are scaled by min(1, s / alpha), s the schedule's clock",
                    1.0, 1e-3, 1));

    @Override
    public String name() {
        return "a_grae";
    }

    @Override
    public String description() {
        return "A-GRAE: positive advantages damped while accuracy is low, difficulty focus moving from easy to hard";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new AsymmetricGroupAdvantage(RewardScaling.of(settings.choice(Grpo.SCALE_REWARDS)),
                AsymmetricGroupAdvantage.Schedule.of(settings.choice(SCHEDULE)), settings.number(ALPHA));
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
