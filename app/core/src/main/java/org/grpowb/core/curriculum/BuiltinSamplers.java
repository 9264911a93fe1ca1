package org.grpowb.core.curriculum;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.grpowb.api.PromptSampler;

/** The prompt samplers that ship with the engine, by the name {@code project.yaml} gives them. */
public final class BuiltinSamplers {

    private static final List<Supplier<PromptSampler>> MAKERS = List.of(
            UniformSampler::new, DynamicSampler::new, StagedSampler::new, VarianceAwareSampler::new,
            PromptGdroSampler::new, RolloutGdroSampler::new);

    /** Built-ins that never read a candidate's stage weight: a stage {@code weights:} rule is refused with them. */
    static final Set<String> IGNORE_WEIGHTS = Set.of("uniform", "dynamic", "prompt_gdro", "rollout_gdro");

    private BuiltinSamplers() {
    }

    /** A fresh instance of every built-in sampler (samplers keep state, so instances are never shared). */
    public static List<PromptSampler> all() {
        return MAKERS.stream().map(Supplier::get).toList();
    }

    /** A fresh instance of the built-in sampler of that name. */
    public static Optional<PromptSampler> byName(String name) {
        return MAKERS.stream().map(Supplier::get).filter(s -> s.name().equals(name)).findFirst();
    }
}
