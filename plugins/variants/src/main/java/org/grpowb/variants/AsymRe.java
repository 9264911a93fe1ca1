package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * AsymRE (asymmetric REINFORCE), from "Asymmetric REINFORCE for off-Policy Reinforcement Learning: Balancing positive
 * and negative rewards" (Arnal et al. 2025), in the group form of "Group-Relative REINFORCE Is Secretly an Off-Policy
 * Algorithm: Demystifying Some Myths About GRPO and Its Friends" (Yao et al. 2025, Trinity-RFT): the group mean
 * shifted by τ as baseline ({@link ShiftedBaselineAdvantage}) and plain sequence-level REINFORCE
 * ({@link SequenceReinforceLoss} with no regulariser):
 *
 * <pre>
 *   L = −(1/G) Σ_i (r_i − mean(r) − τ) log π_θ(y_i)
 * </pre>
 *
 * <p>One setting, {@code tau} (τ; Trinity-RFT calls it {@code baseline_shift}): default −0.1 as Trinity-RFT's
 * {@code asymre} estimator, the "slightly negative" shift the AsymRE paper recommends. τ &lt; 0 favours the
 * positive samples; τ &gt; 0 emphasises the negatives, which the paper shows collapses the policy off-policy, so the
 * declared range stops at +1 only to allow the experiment. No reference policy.
 */
public final class AsymRe implements GrpoVariant {

    static final String TAU = "tau";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.number(TAU, "τ: baseline shift, A_i = r_i − mean(r) − τ; τ < 0 favours positive samples",
                    -0.1, -10, 1));

    @Override
    public String name() {
        return "asymre";
    }

    @Override
    public String description() {
        return "AsymRE: sequence-level REINFORCE with the group mean shifted by τ as baseline (Trinity-RFT)";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new ShiftedBaselineAdvantage(settings.number(TAU));
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return new SequenceReinforceLoss(0.0);
    }

    @Override
    public boolean needsReference(Settings settings) {
        return false;
    }
}
