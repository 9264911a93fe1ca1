package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * GSPO, from "Group Sequence Policy Optimization" (Zheng et al. 2025): GRPO's group-normalised advantages
 * ({@link GroupNormalizedAdvantage}, group std) with the importance ratio and the clipping at the level of the whole
 * completion, in the paper's token form GSPO-token ({@link ClippedSequenceLoss}): every token carries the sequence
 * ratio and its own advantage, so per-token advantages (THR reweighting) are honoured, and with one advantage per
 * completion it is GSPO exactly.
 *
 * <p>Settings, named as in TRL's {@code GRPOConfig} for GSPO ({@code importance_sampling_level="sequence"}):
 * {@code epsilon} 3e-4 and {@code epsilon_high} 4e-4 (the paper's clipping ranges, section 5.1: a sequence ratio is
 * a geometric mean and moves far less than a token ratio), {@code beta} 0 (the paper uses no KL term; any β > 0
 * turns on the k3 penalty and the reference policy).
 */
public final class Gspo implements GrpoVariant {

    static final String EPSILON = "epsilon";
    static final String EPSILON_HIGH = "epsilon_high";
    static final String BETA = "beta";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.number(EPSILON, "lower clip range ε_low of the sequence ratio s_i (clipped at 1 − ε_low)",
                    3e-4, 0, 10),
            SettingSpec.number(EPSILON_HIGH, "upper clip range ε_high of the sequence ratio s_i (clipped at 1 + ε_high)",
                    4e-4, 0, 10),
            SettingSpec.number(BETA, "KL coefficient β towards the reference policy (0 turns the reference off)",
                    0.0, 0, 10));

    @Override
    public String name() {
        return "gspo";
    }

    @Override
    public String description() {
        return "GSPO (Group Sequence Policy Optimization): group-normalised advantages, clipped length-normalised "
                + "sequence ratio";
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
        return new ClippedSequenceLoss(settings.number(EPSILON), settings.number(EPSILON_HIGH), settings.number(BETA));
    }

    @Override
    public boolean needsReference(Settings settings) {
        return settings.number(BETA) > 0;
    }
}
