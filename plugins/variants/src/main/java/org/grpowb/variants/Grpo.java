package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Vanilla GRPO, from "DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models"
 * (Shao et al. 2024): group-normalised advantages ({@link GroupNormalizedAdvantage}) and the clipped token-level
 * surrogate with a k3 KL penalty to the reference policy ({@link ClippedTokenLoss}).
 *
 * <p>Settings are named as in TRL's {@code GRPOConfig}; their defaults are DeepSeekMath's GRPO as written:
 * {@code beta} 0.04 (the paper's KL coefficient, section 4.2; TRL's default is now 0), {@code epsilon} 0.2 (PPO's
 * clip range, TRL's default), {@code epsilon_high} −1, i.e. the same as {@code epsilon} (the paper clips
 * symmetrically), {@code loss_type} {@code grpo} (the paper's objective, 1/G Σ_i 1/|o_i| Σ_t; TRL's default is now
 * {@code dapo}) and {@code scale_rewards} {@code group} (the paper's outcome supervision divides by the group's
 * std; TRL's default too). A reference policy is needed only when β > 0.
 */
public final class Grpo implements GrpoVariant {

    static final String BETA = "beta";
    static final String EPSILON = "epsilon";
    static final String EPSILON_HIGH = "epsilon_high";
    static final String LOSS_TYPE = "loss_type";
    static final String SCALE_REWARDS = "scale_rewards";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.number(BETA, "KL coefficient β towards the reference policy (0 turns the reference off)",
                    0.04, 0, 10),
            SettingSpec.number(EPSILON, "clip range ε: the ratio is clipped to [1 − ε, 1 + ε_high]", 0.2, 0, 10),
            SettingSpec.number(EPSILON_HIGH, "upper clip range ε_high (clip-higher); −1 means the same as epsilon",
                    -1, -1, 10),
            SettingSpec.choice(LOSS_TYPE, "how token losses are aggregated: grpo (per-sequence mean, then mean), "
                            + "bnpo and dapo (mean over the batch's tokens), dr_grpo (sum / (sequences · L_max))",
                    LossAggregation.GRPO.settingValue(), LossAggregation.settingValues().toArray(String[]::new)),
            SettingSpec.choice(SCALE_REWARDS, "what centred rewards are divided by: group std, batch std or none",
                    RewardScaling.GROUP.settingValue(), RewardScaling.settingValues().toArray(String[]::new)));

    @Override
    public String name() {
        return "grpo";
    }

    @Override
    public String description() {
        return "GRPO (DeepSeekMath): group-normalised advantages, clipped token surrogate, k3 KL to the reference";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new GroupNormalizedAdvantage(RewardScaling.of(settings.choice(SCALE_REWARDS)));
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        double epsilon = settings.number(EPSILON);
        double epsilonHigh = settings.number(EPSILON_HIGH);
        return new ClippedTokenLoss(epsilon, epsilonHigh < 0 ? epsilon : epsilonHigh, settings.number(BETA),
                LossAggregation.of(settings.choice(LOSS_TYPE)));
    }

    @Override
    public boolean needsReference(Settings settings) {
        return settings.number(BETA) > 0;
    }
}
