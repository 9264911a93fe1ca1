package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * RLOO (REINFORCE Leave-One-Out), from "Back to Basics: Revisiting REINFORCE Style Optimization for Learning from
 * Human Feedback in LLMs" (Ahmadian et al. 2024), named as verl names its estimator ({@code adv_estimator: rloo}):
 * each rollout's baseline is the mean reward of the other rollouts of its group ({@link LeaveOneOutAdvantage}),
 * A_i = G/(G − 1) · (r_i − mean(r)), with the clipped token loss ({@link ClippedTokenLoss}), as verl trains it.
 *
 * <p>Settings, named as TRL and verl name them, with verl's defaults ({@link ClippedLossSettings#VERL_DEFAULTS}):
 * {@code beta} 0 (verl's {@code use_kl_loss} is false by default), {@code epsilon} 0.2 (verl's {@code clip_ratio}),
 * {@code epsilon_high} −1, i.e. the same as epsilon (verl's {@code clip_ratio_high} = {@code clip_ratio}), and
 * {@code loss_type} {@code dapo} (verl's {@code loss_agg_mode: token-mean}). The paper's RLOO is REINFORCE on whole
 * completions without a ratio; at the first update iteration, where every ratio is 1 and nothing is clipped, this
 * loss's gradient is that REINFORCE gradient, weighted per token as verl's token-mean weighs it.
 */
public final class Rloo implements GrpoVariant {

    private static final List<SettingSpec> SETTINGS = ClippedLossSettings.VERL_DEFAULTS.specs();

    @Override
    public String name() {
        return "rloo";
    }

    @Override
    public String description() {
        return "RLOO: each rollout's baseline is the mean reward of the other rollouts of its group; clipped token loss";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new LeaveOneOutAdvantage();
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
