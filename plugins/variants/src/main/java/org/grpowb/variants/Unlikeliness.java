package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * GRPO with the unlikeliness reward, from "Rewarding the Unlikely: Lifting GRPO Beyond Distribution Sharpening" (He et
 * al. 2025): correct completions the old policy found unlikely are rewarded more ({@link UnlikelinessAdvantage}),
 * then GRPO's normalisation and clipped token loss ({@link ClippedTokenLoss}) with its defaults. The paper's
 * complementary fix, fewer update iterations per batch, is the trainer's {@code update_iterations}, not a variant
 * setting.
 *
 * <p>Settings: {@code beta}, {@code epsilon}, {@code epsilon_high}, {@code loss_type} as in {@link Grpo};
 * {@code scale_rewards} (default {@code group}); {@code rank_penalty} β_u (default 0.25, the paper's value and the
 * name of its code's option); {@code correct_threshold} (default 1.0: a completion is correct when its total reward
 * reaches that share of the group's maximum attainable reward, {@link org.grpowb.api.RewardGroup#maxReward()} — for
 * the paper's 0/1 verifier, reward 1); {@code likelihood} ({@code sum}, the default, or {@code mean} per token, as the
 * authors' code).
 */
public final class Unlikeliness implements GrpoVariant {

    static final String RANK_PENALTY = "rank_penalty";
    static final String CORRECT_THRESHOLD = "correct_threshold";
    static final String LIKELIHOOD = "likelihood";

    private static final List<SettingSpec> SETTINGS = ClippedLossSettings.GRPO_DEFAULTS.specs(
            ClippedLossSettings.scaleRewards(RewardScaling.GROUP),
            SettingSpec.number(RANK_PENALTY, "β_u: a correct completion's reward is scaled by 1 − β_u · rank / G, "
                    + "rank 0 the least likely", 0.25, 0, 1),
            SettingSpec.number(CORRECT_THRESHOLD, "a completion is correct when its total reward is at least this share "
                    + "of the maximum attainable reward (1: it reached the best score)", 1.0, 0, 1),
            SettingSpec.choice(LIKELIHOOD, "what correct completions are ranked by: the sequence log-prob under the "
                            + "sampling policy (sum) or its per-token mean",
                    UnlikelinessAdvantage.Likelihood.SUM.settingValue(),
                    UnlikelinessAdvantage.Likelihood.settingValues().toArray(String[]::new)));

    @Override
    public String name() {
        return "unlikeliness";
    }

    @Override
    public String description() {
        return "Unlikeliness reward: correct but unlikely completions rewarded more, then GRPO";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new UnlikelinessAdvantage(RewardScaling.of(settings.choice(Grpo.SCALE_REWARDS)),
                settings.number(RANK_PENALTY), settings.number(CORRECT_THRESHOLD),
                UnlikelinessAdvantage.Likelihood.of(settings.choice(LIKELIHOOD)));
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
