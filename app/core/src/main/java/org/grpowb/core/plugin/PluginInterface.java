package org.grpowb.core.plugin;

import java.util.List;
import java.util.function.Function;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.RewardFunction;

/**
 * One of the plugin API's interfaces a project file may implement, with the word its lookups use in messages
 * ("unknown reward 'x'") and how an instance says its name.
 */
record PluginInterface<T>(Class<T> type, String word, Function<T, String> naming) {

    static final PluginInterface<RewardFunction> REWARD =
            new PluginInterface<>(RewardFunction.class, "reward", RewardFunction::name);
    static final PluginInterface<GrpoVariant> VARIANT =
            new PluginInterface<>(GrpoVariant.class, "variant", GrpoVariant::name);
    static final PluginInterface<PolicyModelFactory> MODEL =
            new PluginInterface<>(PolicyModelFactory.class, "model", PolicyModelFactory::name);
    static final PluginInterface<PromptSampler> SAMPLER =
            new PluginInterface<>(PromptSampler.class, "sampler", PromptSampler::name);
    static final PluginInterface<HintPolicy> HINT_POLICY =
            new PluginInterface<>(HintPolicy.class, "hint policy", HintPolicy::name);

    /** Every plugin interface, in the order statuses and messages list them. */
    static final List<PluginInterface<?>> ALL = List.of(REWARD, VARIANT, MODEL, SAMPLER, HINT_POLICY);

    /** The name an instance gives itself (a plugin's own code: it may throw). */
    String nameOf(Object instance) {
        return naming.apply(type.cast(instance));
    }

    /** The word for several: "rewards", "hint policies". */
    String plural() {
        return word.endsWith("y") ? word.substring(0, word.length() - 1) + "ies" : word + "s";
    }

    /** The interface's simple name, as {@link PluginStatus#provides()} keys it. */
    String simpleName() {
        return type.getSimpleName();
    }
}
