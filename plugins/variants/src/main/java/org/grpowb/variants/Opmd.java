package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * OPMD (online policy mirror descent, after Kimi k1.5), as reinterpreted in "Group-Relative REINFORCE Is Secretly an
 * Off-Policy Algorithm: Demystifying Some Myths About GRPO and Its Friends" (Yao et al. 2025, Trinity-RFT): the group
 * mean as baseline ({@link ShiftedBaselineAdvantage} with no shift, A_i = r_i − mean(r), no std) and sequence-level
 * REINFORCE with a squared log-ratio regulariser towards the sampling policy ({@link SequenceReinforceLoss}):
 *
 * <pre>
 *   L = −(1/G) Σ_i (r_i − mean(r)) log π_θ(y_i) + (τ / 2G) Σ_i (log π_θ(y_i) − log π_old(y_i))²
 * </pre>
 *
 * <p>One setting, {@code tau} (τ, written λ in the workbench's {@code algorithms.md}): the regulariser's strength,
 * which is the KL temperature of the mirror-descent step; default 1.0 as Trinity-RFT's {@code opmd} loss. See
 * {@link SequenceReinforceLoss} for how the regulariser was checked against Kimi's loss and Trinity-RFT's code.
 * No reference policy.
 */
public final class Opmd implements GrpoVariant {

    static final String TAU = "tau";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.number(TAU, "τ: strength of the (τ/2)(log π_θ(y) − log π_old(y))² regulariser "
                    + "(the mirror-descent temperature); 0 gives plain REINFORCE", 1.0, 0, 100));

    @Override
    public String name() {
        return "opmd";
    }

    @Override
    public String description() {
        return "OPMD: group-mean baseline, sequence-level REINFORCE with a squared log-ratio regulariser (Trinity-RFT)";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new ShiftedBaselineAdvantage(0.0);
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return new SequenceReinforceLoss(settings.number(TAU));
    }

    @Override
    public boolean needsReference(Settings settings) {
        return false;
    }
}
