package org.grpowb.core.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.RewardFunction;

/**
 * The plugins this process can use, by name. Each lookup returns a fresh instance, so that two runs (or a run and
 * the UI) never share a configured plugin.
 */
public final class PluginRegistry {

    private final Map<String, Supplier<GrpoVariant>> variants;
    private final Map<String, Supplier<RewardFunction>> rewards;
    private final Map<String, Supplier<PolicyModelFactory>> models;

    private PluginRegistry(Map<String, Supplier<GrpoVariant>> variants, Map<String, Supplier<RewardFunction>> rewards,
                           Map<String, Supplier<PolicyModelFactory>> models) {
        this.variants = variants;
        this.rewards = rewards;
        this.models = models;
    }

    /** Plugins visible to the given class loaders (the application's own when none is given). */
    public static PluginRegistry discover(ClassLoader... loaders) {
        List<ClassLoader> ls = new ArrayList<>(List.of(loaders));
        if (ls.isEmpty()) {
            ls.add(PluginRegistry.class.getClassLoader());
        }
        return new PluginRegistry(
                load(GrpoVariant.class, ls, GrpoVariant::name),
                load(RewardFunction.class, ls, RewardFunction::name),
                load(PolicyModelFactory.class, ls, PolicyModelFactory::name));
    }

    private static <T> Map<String, Supplier<T>> load(Class<T> type, List<ClassLoader> loaders, Function<T, String> name) {
        Map<String, Supplier<T>> out = new TreeMap<>();
        for (ClassLoader cl : loaders) {
            for (ServiceLoader.Provider<T> p : ServiceLoader.load(type, cl).stream().toList()) {
                String n = name.apply(p.get());
                if (out.containsKey(n)) {
                    throw new IllegalStateException("two " + type.getSimpleName() + " plugins are named '" + n + "'");
                }
                out.put(n, p::get);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public GrpoVariant variant(String name) {
        return find(variants, name, "variant");
    }

    public RewardFunction reward(String name) {
        return find(rewards, name, "reward");
    }

    public PolicyModelFactory model(String name) {
        return find(models, name, "model");
    }

    public List<String> variantNames() {
        return List.copyOf(variants.keySet());
    }

    public List<String> rewardNames() {
        return List.copyOf(rewards.keySet());
    }

    public List<String> modelNames() {
        return List.copyOf(models.keySet());
    }

    private static <T> T find(Map<String, Supplier<T>> m, String name, String kind) {
        Supplier<T> s = m.get(name);
        if (s == null) {
            throw new NoSuchElementException("unknown " + kind + " '" + name + "'; known " + kind + "s: "
                    + String.join(", ", m.keySet()));
        }
        return s.get();
    }
}
