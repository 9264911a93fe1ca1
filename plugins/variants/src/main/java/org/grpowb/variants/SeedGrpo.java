package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * SEED-GRPO, from "SEED-GRPO: Semantic Entropy Enhanced GRPO for Uncertainty-Aware Policy Optimization" (Chen et al.
 * 2025): advantages damped by the semantic entropy of the group's answers ({@link SemanticEntropyAdvantage}), with
 * GRPO's clipped token loss ({@link ClippedTokenLoss}) and its defaults.
 *
 * <p>Settings: {@code beta}, {@code epsilon}, {@code epsilon_high}, {@code loss_type} as in {@link Grpo};
 * {@code scale_rewards} of the base advantage, default {@code none} because the paper writes its base advantage as
 * A_i = r_i − mean(r), without the std; {@code alpha}, default 0.5.
 *
 * <p>On α (check): we could not retrieve the paper's own value. Its semantic entropy is a probability-weighted
 * Monte-Carlo estimate whose scale differs from the count-based SE / log G used here, so its α would not carry over
 * anyway. We default to α = 0.5, so every group keeps at least half its signal: at α = 1 a mixed group of G = 2,
 * whose two answers always differ, would never carry gradient, and small G is the workbench's usual setting.
 */
public final class SeedGrpo implements GrpoVariant {

    static final String ALPHA = "alpha";

    private static final List<SettingSpec> SETTINGS = ClippedLossSettings.GRPO_DEFAULTS.specs(
            ClippedLossSettings.scaleRewards(RewardScaling.NONE),
            SettingSpec.number(ALPHA, "how strongly the answers' semantic entropy damps advantages: A · (1 − α · SE / log G)",
                    0.5, 0, 1));

    @Override
    public String name() {
        return "seed_grpo";
    }

    @Override
    public String description() {
        return "SEED-GRPO: advantages scaled down by the semantic entropy of the group's final answers";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new SemanticEntropyAdvantage(RewardScaling.of(settings.choice(Grpo.SCALE_REWARDS)), settings.number(ALPHA));
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
