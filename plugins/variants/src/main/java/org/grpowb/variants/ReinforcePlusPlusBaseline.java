package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * REINFORCE++ with a group baseline, from "REINFORCE++: A Simple and Efficient Approach for Aligning Large Language
 * Models" (Hu 2025), named as verl names its estimator ({@code adv_estimator: reinforce_plus_plus_baseline}): rewards
 * centred on their group's mean, then whitened over every response token of the batch ({@link BatchWhitenedAdvantage},
 * where verl's {@code masked_whiten} is restated and the choices made are listed), with the clipped token loss
 * ({@link ClippedTokenLoss}).
 *
 * <p>Settings, named as TRL and verl name them, with verl's defaults ({@link ClippedLossSettings#VERL_DEFAULTS}):
 * {@code beta} 0 (verl's {@code use_kl_loss} is false by default; the paper's k2/k3 KL options are β &gt; 0 here with
 * the k3 estimator), {@code epsilon} 0.2 (verl's {@code clip_ratio}), {@code epsilon_high} −1, i.e. the same as
 * epsilon (verl's {@code clip_ratio_high}), and {@code loss_type} {@code dapo} (verl's
 * {@code loss_agg_mode: token-mean}).
 */
public final class ReinforcePlusPlusBaseline implements GrpoVariant {

    private static final List<SettingSpec> SETTINGS = ClippedLossSettings.VERL_DEFAULTS.specs();

    @Override
    public String name() {
        return "reinforce_plus_plus_baseline";
    }

    @Override
    public String description() {
        return "REINFORCE++ (baseline): rewards minus the group mean, whitened over the batch's tokens; clipped token loss";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new BatchWhitenedAdvantage();
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
