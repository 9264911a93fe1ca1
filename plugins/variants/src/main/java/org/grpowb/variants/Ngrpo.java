package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * NGRPO, from "NGRPO: Negative-enhanced Group Relative Policy Optimization" (Nan et al. 2025): advantage calibration
 * with a virtual maximum-reward rollout ({@link CalibratedAdvantage}), so all-wrong groups get negative advantages
 * instead of none, and asymmetric clipping (ε_pos for positive advantages, ε_neg for negative ones: {@link ClippedTokenLoss} with
 * ε_low = ε_neg, ε_high = ε_pos) to keep that pressure stable.
 *
 * <p>Settings and defaults, from the authors' training script ({@code train_qwen2.5-math-7b_ngrpo.sh}):
 * {@code beta} 0 ({@code kl_coef = 0.0}); {@code epsilon_pos} 0.24 and {@code epsilon_neg} 0.16
 * ({@code clip_ratio_high}, {@code clip_ratio_low}); {@code loss_type} {@code dapo}, because their verl loss is a
 * masked mean over all tokens of the batch; {@code virtual_samples} 1 ({@code add_max_reward_num}). The script also
 * filters all-correct groups (DAPO-style, zero advantage anyway); this variant keeps dynamic sampling off, since the
 * engine's dynamic sampling would also drop the all-wrong groups NGRPO exists to learn from.
 */
public final class Ngrpo implements GrpoVariant {

    static final String EPSILON_POS = "epsilon_pos";
    static final String EPSILON_NEG = "epsilon_neg";
    static final String VIRTUAL_SAMPLES = "virtual_samples";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.number(Grpo.BETA, "KL coefficient β towards the reference policy (0 turns the reference off)",
                    0.0, 0, 10),
            SettingSpec.number(EPSILON_POS, "clip range for positive advantages: the ratio is capped at 1 + ε_pos",
                    0.24, 0, 10),
            SettingSpec.number(EPSILON_NEG, "clip range for negative advantages: the ratio is floored at 1 − ε_neg",
                    0.16, 0, 1),
            SettingSpec.choice(Grpo.LOSS_TYPE, "how token losses are aggregated: grpo (per-sequence mean, then mean), "
                            + "bnpo and dapo (mean over the batch's tokens), dr_grpo (sum / (sequences · L_max))",
                    LossAggregation.DAPO.settingValue(), LossAggregation.settingValues().toArray(String[]::new)),
            SettingSpec.integer(VIRTUAL_SAMPLES, "virtual rollouts with the maximum reward added to each group's statistics",
                    1, 1, 64));

    @Override
    public String name() {
        return "ngrpo";
    }

    @Override
    public String description() {
        return "NGRPO: a virtual max-reward rollout in each group's mean and std, wider clipping for positive advantages";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new CalibratedAdvantage(settings.integer(VIRTUAL_SAMPLES));
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        // Per sign, A > 0 caps ρ at 1 + ε_pos and A < 0 floors it at 1 − ε_neg; that is exactly PPO's min-clip with
        // ε_low = ε_neg and ε_high = ε_pos, so the clipped token loss serves as it is.
        return new ClippedTokenLoss(settings.number(EPSILON_NEG), settings.number(EPSILON_POS), settings.number(Grpo.BETA),
                LossAggregation.of(settings.choice(Grpo.LOSS_TYPE)));
    }

    @Override
    public boolean needsReference(Settings settings) {
        return settings.number(Grpo.BETA) > 0;
    }
}
