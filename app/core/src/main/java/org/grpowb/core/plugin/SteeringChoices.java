package org.grpowb.core.plugin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PromptSampler;
import org.grpowb.core.curriculum.BuiltinSamplers;
import org.grpowb.core.hints.BuiltinHintPolicies;

/**
 * The prompt samplers and hint policies a project may choose in {@code curriculum.sampler} and {@code hints.policy}:
 * the built-in ones, then those the project's trusted plugins provide. A plugin cannot take a built-in's name (the
 * registry refuses it), so a name means one thing.
 * <p>
 * Each call makes a fresh instance, as samplers and policies keep state. A plugin's instance is wrapped
 * ({@link ContainedPlugin}) so that each of its calls is time-boxed and what it throws, or a call that overruns,
 * reaches the run as an {@link IllegalStateException} naming the plugin and the call, never as a bare exception from
 * someone else's code: the run stops at that step boundary with its store consistent and resumable.
 */
public final class SteeringChoices {

    /**
     * The time box of one call of a plugin's sampler or policy. Ours: the built-ins draw from thousands of candidates
     * in milliseconds, so ten seconds is room for a plugin a thousand times slower and still says "hung" soon.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private static final SteeringChoices BUILT_IN = new SteeringChoices(null);

    private final PluginRegistry plugins;
    private final List<Choice> samplers;
    private final List<Choice> hintPolicies;

    /**
     * A sampler or a policy as a menu offers it.
     *
     * @param name        what {@code project.yaml} and an edit call it
     * @param description its one line; empty when a plugin's threw
     * @param plugin      whether a plugin provides it (else it is built in)
     * @param file        the file in the project's {@code plugins/} folder that provides it; null for a built-in or a
     *                    plugin bundled with the application
     */
    public record Choice(String name, String description, boolean plugin, String file) {
    }

    /** Reads the plugins' names and descriptions once: a menu must not call plugin code on the UI thread. */
    private SteeringChoices(PluginRegistry plugins) {
        this.plugins = plugins;
        List<Choice> s = new ArrayList<>();
        BuiltinSamplers.all().forEach(b -> s.add(new Choice(b.name(), b.description(), false, null)));
        List<Choice> h = new ArrayList<>();
        BuiltinHintPolicies.all().forEach(b -> h.add(new Choice(b.name(), b.description(), false, null)));
        if (plugins != null) {
            for (String name : plugins.samplerNames()) {
                s.add(new Choice(name, describe(() -> pluginSampler(name).description()), true,
                        fileOf("PromptSampler", name)));
            }
            for (String name : plugins.hintPolicyNames()) {
                h.add(new Choice(name, describe(() -> pluginHintPolicy(name).description()), true,
                        fileOf("HintPolicy", name)));
            }
        }
        this.samplers = List.copyOf(s);
        this.hintPolicies = List.copyOf(h);
    }

    /** The built-in samplers and policies only. */
    public static SteeringChoices builtIn() {
        return BUILT_IN;
    }

    /** The built-ins and what {@code plugins} provides; lookups fail once the registry is closed. */
    public static SteeringChoices of(PluginRegistry plugins) {
        return new SteeringChoices(plugins);
    }

    /** Built-ins first, in their own order, then the plugins' in name order. */
    public List<Choice> samplers() {
        return samplers;
    }

    /** Built-ins first ({@code none} leading), then the plugins' in name order. */
    public List<Choice> hintPolicies() {
        return hintPolicies;
    }

    /** The names of {@link #samplers()}. */
    public List<String> samplerNames() {
        return samplers.stream().map(Choice::name).toList();
    }

    /** The names of {@link #hintPolicies()}. */
    public List<String> hintPolicyNames() {
        return hintPolicies.stream().map(Choice::name).toList();
    }

    /** Whether {@code name} is a sampler a plugin provides (its settings are checked against its own specs). */
    public boolean isPluginSampler(String name) {
        return find(samplers, name).map(Choice::plugin).orElse(false);
    }

    /** The choice of that name among {@code choices} (a knob's list: a handful). */
    public static Optional<Choice> find(List<Choice> choices, String name) {
        return choices.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static String describe(java.util.function.Supplier<String> description) {
        try {
            String d = description.get();
            return d == null ? "" : d;
        } catch (IllegalStateException failed) {
            return ""; // the plugin's description threw or overran: the name alone still chooses it
        }
    }

    private String fileOf(String api, String name) {
        return plugins.statuses().stream().filter(st -> st.provides().getOrDefault(api, List.of()).contains(name))
                .map(PluginStatus::fileName).findFirst().orElse(null);
    }

    /**
     * A fresh instance of the named sampler.
     *
     * @throws IllegalArgumentException naming every sampler there is, and the plugin files not loaded, when none has
     *                                  that name
     */
    public PromptSampler sampler(String name) {
        Optional<PromptSampler> builtin = BuiltinSamplers.byName(name);
        if (builtin.isPresent()) {
            return builtin.get();
        }
        if (isPluginSampler(name)) {
            return pluginSampler(name);
        }
        throw new IllegalArgumentException(unknown("prompt sampler", name, samplerNames()));
    }

    /**
     * A fresh instance of the named hint policy.
     *
     * @throws IllegalArgumentException naming every policy there is when none has that name
     */
    public HintPolicy hintPolicy(String name) {
        if (BuiltinHintPolicies.names().contains(name)) {
            return BuiltinHintPolicies.byName(name);
        }
        if (find(hintPolicies, name).map(Choice::plugin).orElse(false)) {
            return pluginHintPolicy(name);
        }
        throw new IllegalArgumentException(unknown("hint policy", name, hintPolicyNames()));
    }

    private PromptSampler pluginSampler(String name) {
        return ContainedPlugin.wrap(PromptSampler.class, plugins.sampler(name), "prompt sampler", name, CALL_TIMEOUT);
    }

    private HintPolicy pluginHintPolicy(String name) {
        return ContainedPlugin.wrap(HintPolicy.class, plugins.hintPolicy(name), "hint policy", name, CALL_TIMEOUT);
    }

    /** The names there are, and why a project file's plugins are not among them (untrusted, disabled, broken). */
    private String unknown(String word, String name, List<String> known) {
        return "unknown " + word + " '" + name + "'; known: " + String.join(", ", known)
                + (plugins == null ? "" : plugins.whyNotLoaded());
    }
}
