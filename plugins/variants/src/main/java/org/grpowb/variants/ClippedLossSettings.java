package org.grpowb.variants;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * The four settings of GRPO's clipped token loss ({@link ClippedTokenLoss}), declared once for every variant that keeps
 * that loss and changes only the advantage: {@code beta}, {@code epsilon}, {@code epsilon_high} and {@code loss_type},
 * with the same names, meanings and bounds as {@link Grpo}'s (TRL's {@code GRPOConfig}). Only the defaults differ
 * between variants, as their papers ask.
 *
 * @param beta        default KL coefficient β
 * @param epsilon     default clip range ε (ε_low)
 * @param epsilonHigh default upper clip range ε_high; negative means "same as epsilon"
 * @param lossType    default aggregation
 */
public record ClippedLossSettings(double beta, double epsilon, double epsilonHigh, LossAggregation lossType) {

    /**
     * {@link Grpo}'s defaults, DeepSeekMath's GRPO as written: β = 0.04 (its KL coefficient), ε = 0.2 (PPO's and TRL's),
     * ε_high = ε, per-sequence mean ({@code grpo}, its 1/G Σ_i 1/|o_i| Σ_t). Variants that change only the advantage
     * keep them, since their papers train with GRPO's objective.
     */
    public static final ClippedLossSettings GRPO_DEFAULTS = new ClippedLossSettings(0.04, 0.2, -1, LossAggregation.GRPO);

    /**
     * verl's actor defaults ({@code verl/trainer/config/actor/actor.yaml}), for variants named after verl's advantage
     * estimators: β = 0 because {@code use_kl_loss} is false by default (its {@code kl_loss_coef} of 0.001 applies only
     * once that is switched on), ε = {@code clip_ratio} = 0.2 with {@code clip_ratio_high} the same, and
     * {@code dapo} aggregation, which is verl's default {@code loss_agg_mode: token-mean} (every response token of the
     * batch weighs the same). verl's dual-clip bound ({@code clip_ratio_c} = 3, a cap on the loss of negative-advantage
     * tokens whose ratio exceeds 3) is not part of {@link ClippedTokenLoss}.
     */
    public static final ClippedLossSettings VERL_DEFAULTS = new ClippedLossSettings(0.0, 0.2, -1, LossAggregation.DAPO);

    public ClippedLossSettings {
        Objects.requireNonNull(lossType, "lossType");
    }

    /** The declarations, with this record's defaults, followed by the variant's own settings. */
    public List<SettingSpec> specs(SettingSpec... variantSettings) {
        List<SettingSpec> out = new ArrayList<>(List.of(
                SettingSpec.number(Grpo.BETA, "KL coefficient β towards the reference policy (0 turns the reference off)",
                        beta, 0, 10),
                SettingSpec.number(Grpo.EPSILON, "clip range ε: the ratio is clipped to [1 − ε, 1 + ε_high]", epsilon, 0, 10),
                SettingSpec.number(Grpo.EPSILON_HIGH, "upper clip range ε_high (clip-higher); −1 means the same as epsilon",
                        epsilonHigh, -1, 10),
                SettingSpec.choice(Grpo.LOSS_TYPE, "how token losses are aggregated: grpo (per-sequence mean, then mean), "
                                + "bnpo and dapo (mean over the batch's tokens), dr_grpo (sum / (sequences · L_max))",
                        lossType.settingValue(), LossAggregation.settingValues().toArray(String[]::new))));
        out.addAll(List.of(variantSettings));
        return List.copyOf(out);
    }

    /** The clipped token loss the resolved settings describe. */
    public static ClippedTokenLoss loss(Settings settings) {
        double epsilon = settings.number(Grpo.EPSILON);
        double epsilonHigh = settings.number(Grpo.EPSILON_HIGH);
        return new ClippedTokenLoss(epsilon, epsilonHigh < 0 ? epsilon : epsilonHigh, settings.number(Grpo.BETA),
                LossAggregation.of(settings.choice(Grpo.LOSS_TYPE)));
    }

    /** A reference policy is needed only when β > 0. */
    public static boolean needsReference(Settings settings) {
        return settings.number(Grpo.BETA) > 0;
    }

    /** TRL's {@code scale_rewards} declaration with the given default, for variants built on group normalisation. */
    public static SettingSpec scaleRewards(RewardScaling defaultValue) {
        return SettingSpec.choice(Grpo.SCALE_REWARDS, "what centred rewards are divided by: group std, batch std or none",
                defaultValue.settingValue(), RewardScaling.settingValues().toArray(String[]::new));
    }
}
