package org.grpowb.variants;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * GRPO with the LLDS regulariser, from "On GRPO Collapse in Search-R1: The Lazy Likelihood-Displacement Death Spiral"
 * (Deng et al. 2025): vanilla {@link Grpo}, all its settings and defaults unchanged, plus a penalty on the tokens of
 * non-negative-advantage completions whose likelihood fell below π_old's ({@link LikelihoodPreservingLoss}, where the
 * gate, the preserving set and the normalisation are documented against the authors' code).
 *
 * <p>One setting of its own, {@code llds_lambda} (λ; {@code no_reduce_lambda} in the authors' code): default 0.1,
 * the value of the authors' released runs.
 */
public final class Llds implements GrpoVariant {

    static final String LLDS_LAMBDA = "llds_lambda";

    private static final Grpo GRPO = new Grpo();

    private static final List<SettingSpec> SETTINGS;

    static {
        List<SettingSpec> s = new ArrayList<>(GRPO.settings());
        s.add(SettingSpec.number(LLDS_LAMBDA, "λ: weight of the penalty on likelihood falls of non-negative-advantage "
                + "completions (0 gives vanilla GRPO)", 0.1, 0, 100));
        SETTINGS = List.copyOf(s);
    }

    @Override
    public String name() {
        return "llds";
    }

    @Override
    public String description() {
        return "LLDS: GRPO plus a likelihood-preserving penalty where good completions lost likelihood";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return GRPO.advantage(settings);
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return new LikelihoodPreservingLoss(GRPO.loss(settings), settings.number(LLDS_LAMBDA));
    }

    @Override
    public boolean needsReference(Settings settings) {
        return GRPO.needsReference(settings);
    }
}
