package org.grpowb.variants;

import java.util.List;
import org.grpowb.api.GroupAdvantage;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyLoss;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * DAPO, from "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" (Yu et al. 2025): GRPO with its four
 * changes, each a setting.
 * <ul>
 *   <li>Clip-Higher: the token ratio is clipped to [1 − ε_low, 1 + ε_high] with ε_high &gt; ε_low, so that
 *       low-probability exploration tokens can grow ({@code epsilon} 0.2, {@code epsilon_high} 0.28);</li>
 *   <li>token-level policy gradient loss: every active token of the batch weighs the same
 *       ({@link LossAggregation#DAPO}), so long completions are not down-weighted;</li>
 *   <li>dynamic sampling: groups whose rewards are all equal are dropped and the engine samples more prompts
 *       ({@code dynamic_sampling}, default true; see {@link OverlongShapedAdvantage});</li>
 *   <li>overlong reward shaping: a soft length penalty over the last L_cache tokens of the budget, added to the reward
 *       before normalisation ({@code overlong_shaping}, default true; {@code overlong_buffer_fraction}).</li>
 * </ul>
 *
 * <p>Defaults and their sources, all the paper's (the techniques of its section 3, the values of its training
 * details, section 4.1): {@code epsilon} 0.2 and {@code epsilon_high} 0.28 (ε_low and ε_high of Clip-Higher);
 * {@code beta} 0 (DAPO removes the KL term, so no reference policy; a β &gt; 0 adds GRPO's k3 penalty back);
 * {@code dynamic_sampling} and {@code overlong_shaping} on (two of its four techniques); {@code overlong_buffer_fraction} 0.2 = L_cache / L_max = 4096 / 20480, the paper's
 * proportion. It is a fraction rather than the paper's token count because the workbench's budgets are a few tokens
 * (8 by default): L_cache = 0.2 · L_max keeps the paper's shape at any {@code max_new_tokens}, 1.6 tokens of a budget
 * of 8 (penalty 0 up to 6 tokens, −0.375 at 7, −1 at 8) and 4096 of 20480. The loss aggregation is fixed to
 * {@code dapo}, the paper's token-level policy gradient loss.
 */
public final class Dapo implements GrpoVariant {

    static final String EPSILON = "epsilon";
    static final String EPSILON_HIGH = "epsilon_high";
    static final String BETA = "beta";
    static final String DYNAMIC_SAMPLING = "dynamic_sampling";
    static final String OVERLONG_SHAPING = "overlong_shaping";
    static final String OVERLONG_BUFFER_FRACTION = "overlong_buffer_fraction";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.number(EPSILON, "lower clip range ε_low: the token ratio is clipped at 1 − ε_low", 0.2, 0, 10),
            SettingSpec.number(EPSILON_HIGH, "upper clip range ε_high (clip-higher): the token ratio is clipped at "
                    + "1 + ε_high", 0.28, 0, 10),
            SettingSpec.number(BETA, "KL coefficient β towards the reference policy (DAPO uses 0: no reference)",
                    0.0, 0, 10),
            SettingSpec.flag(DYNAMIC_SAMPLING, "drop groups whose rewards are all equal and sample more prompts", true),
            SettingSpec.flag(OVERLONG_SHAPING, "add DAPO's soft overlong penalty to the reward before normalising", true),
            SettingSpec.number(OVERLONG_BUFFER_FRACTION, "L_cache / L_max: the overlong penalty falls from 0 to −1 over "
                            + "this last fraction of the token budget (DAPO: 4096 of 20480 tokens = 0.2)",
                    OverlongShapedAdvantage.PAPER_BUFFER_FRACTION, 0.01, 1));

    @Override
    public String name() {
        return "dapo";
    }

    @Override
    public String description() {
        return "DAPO: clip-higher, token-level loss, dynamic sampling, overlong reward shaping, no KL";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public GroupAdvantage advantage(Settings settings) {
        return new OverlongShapedAdvantage(settings.flag(OVERLONG_SHAPING), settings.number(OVERLONG_BUFFER_FRACTION),
                settings.flag(DYNAMIC_SAMPLING));
    }

    @Override
    public PolicyLoss loss(Settings settings) {
        return new ClippedTokenLoss(settings.number(EPSILON), settings.number(EPSILON_HIGH), settings.number(BETA),
                LossAggregation.DAPO);
    }

    @Override
    public boolean dynamicSampling(Settings settings) {
        return settings.flag(DYNAMIC_SAMPLING);
    }

    @Override
    public boolean needsReference(Settings settings) {
        return settings.number(BETA) > 0;
    }
}
