package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * DHPO, from "Orchestrating Tokens and Sequences: Dynamic Hybrid Policy Optimization for RLVR" (Min et al. 2026):
 * GRPO's group-normalised advantages ({@link GroupNormalizedAdvantage}, group std) with a surrogate on a weighted mix
 * of GRPO's token ratio and GSPO's sequence ratio, each clipped in its own range first ({@link HybridRatioLoss},
 * where the choices made on the paper's open points are written down).
 *
 * <p>Settings: {@code mixing} ({@code averaged}, w = 1/2, or {@code entropy}, w from the token's normalised entropy;
 * entropy mixing falls back to 1/2 when the engine passes no entropies); the token branch's {@code epsilon} (0.2)
 * and {@code epsilon_high} (0.28), named as in TRL; the sequence branch's {@code sequence_epsilon} (3e-4) and
 * {@code sequence_epsilon_high} (4e-4), GSPO's ranges; {@code beta} (0, no reference) and {@code loss_type}
 * ({@link LossAggregation}, default {@code grpo}: each completion's token mean, then the mean over completions, the
 * 1/G Σ_i 1/|y_i| Σ_t of both parents' objectives).
 */
public final class Dhpo implements GrpoVariant {

    static final String MIXING = "mixing";
    static final String EPSILON = "epsilon";
    static final String EPSILON_HIGH = "epsilon_high";
    static final String SEQUENCE_EPSILON = "sequence_epsilon";
    static final String SEQUENCE_EPSILON_HIGH = "sequence_epsilon_high";
    static final String BETA = "beta";
    static final String LOSS_TYPE = "loss_type";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.choice(MIXING, "how the token and sequence ratios are weighted: averaged (w = 1/2) or entropy "
                            + "(w = the token's entropy over its completion's largest)",
                    HybridRatioLoss.Mixing.AVERAGED.settingValue(),
                    HybridRatioLoss.Mixing.settingValues().toArray(String[]::new)),
            SettingSpec.number(EPSILON, "token branch: the token ratio is clipped at 1 − ε", 0.2, 0, 10),
            SettingSpec.number(EPSILON_HIGH, "token branch: the token ratio is clipped at 1 + ε_high", 0.28, 0, 10),
            SettingSpec.number(SEQUENCE_EPSILON, "sequence branch: the sequence ratio is clipped at 1 − ε^s",
                    3e-4, 0, 10),
            SettingSpec.number(SEQUENCE_EPSILON_HIGH, "sequence branch: the sequence ratio is clipped at 1 + ε^s_high",
                    4e-4, 0, 10),
            SettingSpec.number(BETA, "KL coefficient β towards the reference policy (0 turns the reference off)",
                    0.0, 0, 10),
            SettingSpec.choice(LOSS_TYPE, "how token losses are aggregated: grpo (per-sequence mean, then mean), "
                            + "bnpo and dapo (mean over the batch's tokens), dr_grpo (sum / (sequences · L_max))",
                    LossAggregation.GRPO.settingValue(), LossAggregation.settingValues().toArray(String[]::new)));

    @Override
    public String name() {
        return "dhpo";
    }

    @Override
    public String description() {
        return "DHPO: group-normalised advantages, surrogate on a mix of separately clipped token and sequence ratios";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new GroupNormalizedAdvantage(RewardScaling.GROUP);
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return new HybridRatioLoss(settings.number(EPSILON), settings.number(EPSILON_HIGH),
                settings.number(SEQUENCE_EPSILON), settings.number(SEQUENCE_EPSILON_HIGH), settings.number(BETA),
                HybridRatioLoss.Mixing.of(settings.choice(MIXING)), LossAggregation.of(settings.choice(LOSS_TYPE)));
    }

    @Override
    public boolean needsReference(Settings settings) {
        return settings.number(BETA) > 0;
    }
}
