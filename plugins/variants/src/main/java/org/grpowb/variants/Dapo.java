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
 *       before normalisation ({@code overlong_shaping}, default true; {@code overlong_cache}).</li>
 * </ul>
 * DAPO removes the KL term ({@code beta} 0, so no reference policy); a β &gt; 0 adds GRPO's k3 penalty back.
 *
 * <p>{@code overlong_cache} is a token count. The paper uses L_cache = 4096 of L_max = 20480 (20% of the budget);
 * the workbench's tiny models sample a handful of tokens (the arithmetic sample uses 6), so the default is 2 tokens:
 * with L_max = 6 the penalty is 0 up to 4 tokens, −0.5 at 5 and −1 at 6. Set it to about a fifth of
 * {@code max_new_tokens} for longer budgets; a cache above the budget is taken as the whole budget.
 */
public final class Dapo implements GrpoVariant {

    static final String EPSILON = "epsilon";
    static final String EPSILON_HIGH = "epsilon_high";
    static final String BETA = "beta";
    static final String DYNAMIC_SAMPLING = "dynamic_sampling";
    static final String OVERLONG_SHAPING = "overlong_shaping";
    static final String OVERLONG_CACHE = "overlong_cache";

    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.number(EPSILON, "lower clip range ε_low: the token ratio is clipped at 1 − ε_low", 0.2, 0, 10),
            SettingSpec.number(EPSILON_HIGH, "upper clip range ε_high (clip-higher): the token ratio is clipped at "
                    + "1 + ε_high", 0.28, 0, 10),
            SettingSpec.number(BETA, "KL coefficient β towards the reference policy (DAPO uses 0: no reference)",
                    0.0, 0, 10),
            SettingSpec.flag(DYNAMIC_SAMPLING, "drop groups whose rewards are all equal and sample more prompts", true),
            SettingSpec.flag(OVERLONG_SHAPING, "add DAPO's soft overlong penalty to the reward before normalising", true),
            SettingSpec.integer(OVERLONG_CACHE, "L_cache: the last tokens of the budget over which the overlong "
                    + "penalty falls from 0 to −1", 2, 1, 1_000_000));

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
        return new OverlongShapedAdvantage(settings.flag(OVERLONG_SHAPING), settings.integer(OVERLONG_CACHE),
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
