package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Dr. GRPO, from "Understanding R1-Zero-Like Training: A Critical Perspective" (Liu et al. 2025): GRPO without its
 * two normalisations that bias the update.
 *
 * <pre>
 *   A_i = r_i − mean(r)                                   no division by std(r): that term up-weights prompts that are
 *                                                         almost always solved or almost never (difficulty bias)
 *   L   = Σ_{i,t} ℓ_{i,t} M_{i,t} / (N · L_max)           a constant normaliser instead of 1/|y_i| (length bias)
 * </pre>
 *
 * The advantage is {@link GroupNormalizedAdvantage} with {@link RewardScaling#NONE}; the loss is
 * {@link ClippedTokenLoss} with {@link LossAggregation#DR_GRPO} by default.
 *
 * <p>Defaults (checked against TRL's {@code GRPOConfig}, which implements the paper as {@code loss_type="dr_grpo"},
 * {@code scale_rewards="none"}): β = 0, TRL's current default (its documentation cites recent work, DAPO and this
 * paper among it, finding the KL term not essential for R1-Zero-like training), so no reference policy is loaded;
 * ε = 0.2; ε_high = ε.
 * {@code loss_type} stays a setting so the length-bias fix can be switched off alone for an ablation.
 */
public final class DrGrpo implements GrpoVariant {

    static final ClippedLossSettings DEFAULTS = new ClippedLossSettings(0.0, 0.2, -1, LossAggregation.DR_GRPO);

    private static final List<SettingSpec> SETTINGS = DEFAULTS.specs();

    @Override
    public String name() {
        return "dr_grpo";
    }

    @Override
    public String description() {
        return "Dr. GRPO: advantages r − mean(r) without std, token sums divided by G · L_max, no KL by default";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new GroupNormalizedAdvantage(RewardScaling.NONE);
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
