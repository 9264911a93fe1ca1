package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.RewardFunction;

/**
 * The plugins this process can use, by name: the bundled ones on the application's class path and, for a project,
 * the plugin jars in its {@code plugins/} folder that the user trusts, each in its own {@link IsolatedPluginLoader}.
 * Each lookup returns a fresh instance, so that two runs (or a run and the UI) never share a configured plugin.
 * <p>
 * A jar that fails to load (a broken service entry, a class that throws in its initialiser, a name that is taken) is
 * left out and reported by {@link #problems()}; it never takes the bundled plugins or other jars down with it.
 */
public final class PluginRegistry {

    /** Where a project keeps its plugin jars. */
    public static final String PROJECT_PLUGINS = "plugins";

    private final Map<String, Supplier<GrpoVariant>> variants;
    private final Map<String, Supplier<RewardFunction>> rewards;
    private final Map<String, Supplier<PolicyModelFactory>> models;
    private final List<PluginJar> untrusted;
    private final List<String> problems;

    private PluginRegistry(Map<String, Supplier<GrpoVariant>> variants, Map<String, Supplier<RewardFunction>> rewards,
                           Map<String, Supplier<PolicyModelFactory>> models, List<PluginJar> untrusted,
                           List<String> problems) {
        this.variants = Collections.unmodifiableMap(variants);
        this.rewards = Collections.unmodifiableMap(rewards);
        this.models = Collections.unmodifiableMap(models);
        this.untrusted = List.copyOf(untrusted);
        this.problems = List.copyOf(problems);
    }

    /** Plugins visible to the given class loaders (the application's own when none is given). */
    public static PluginRegistry discover(ClassLoader... loaders) {
        List<ClassLoader> ls = new ArrayList<>(List.of(loaders));
        if (ls.isEmpty()) {
            ls.add(PluginRegistry.class.getClassLoader());
        }
        Map<String, Supplier<GrpoVariant>> variants = new TreeMap<>();
        Map<String, Supplier<RewardFunction>> rewards = new TreeMap<>();
        Map<String, Supplier<PolicyModelFactory>> models = new TreeMap<>();
        for (ClassLoader cl : ls) {
            // the application's own plugins are ours: a clash among them is a build error, so it throws
            addAll(GrpoVariant.class, cl, GrpoVariant::name, variants);
            addAll(RewardFunction.class, cl, RewardFunction::name, rewards);
            addAll(PolicyModelFactory.class, cl, PolicyModelFactory::name, models);
        }
        return new PluginRegistry(variants, rewards, models, List.of(), List.of());
    }

    /**
     * The bundled plugins plus the trusted jars in {@code <projectDir>/plugins/}. Untrusted jars are not opened at all
     * (only hashed): see {@link #untrusted()}. Reads the disk.
     */
    public static PluginRegistry forProject(Path projectDir, PluginTrust trust) {
        PluginRegistry bundled = discover();
        Map<String, Supplier<GrpoVariant>> variants = new TreeMap<>(bundled.variants);
        Map<String, Supplier<RewardFunction>> rewards = new TreeMap<>(bundled.rewards);
        Map<String, Supplier<PolicyModelFactory>> models = new TreeMap<>(bundled.models);
        List<PluginJar> untrusted = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (PluginJar jar : jars(projectDir)) {
            if (!trust.trusts(jar)) {
                untrusted.add(jar);
                continue;
            }
            // all of a jar's plugins or none: collect into copies, keep them only if the whole jar loaded
            Map<String, Supplier<GrpoVariant>> v = new TreeMap<>(variants);
            Map<String, Supplier<RewardFunction>> r = new TreeMap<>(rewards);
            Map<String, Supplier<PolicyModelFactory>> m = new TreeMap<>(models);
            try {
                ClassLoader cl = new IsolatedPluginLoader(jar, PluginRegistry.class.getClassLoader());
                addAll(GrpoVariant.class, cl, GrpoVariant::name, v);
                addAll(RewardFunction.class, cl, RewardFunction::name, r);
                addAll(PolicyModelFactory.class, cl, PolicyModelFactory::name, m);
                variants = v;
                rewards = r;
                models = m;
            } catch (VirtualMachineError e) {
                throw e; // out of memory is the JVM's problem, not this jar's
            } catch (Throwable t) { // a plugin's static initialiser may throw anything, linkage errors included
                problems.add(PROJECT_PLUGINS + "/" + jar.name() + " was not loaded: " + describe(t));
            }
        }
        return new PluginRegistry(variants, rewards, models, untrusted, problems);
    }

    /** The jars in a project's {@code plugins/} folder, by file name. */
    public static List<PluginJar> jars(Path projectDir) {
        Path dir = projectDir.resolve(PROJECT_PLUGINS);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted().map(PluginJar::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static <T> void addAll(Class<T> type, ClassLoader cl, Function<T, String> name,
                                   Map<String, Supplier<T>> into) {
        for (ServiceLoader.Provider<T> p : ServiceLoader.load(type, cl).stream().toList()) {
            // a jar's loader lists only the jar's own registrations, never what its parents provide
            if (cl instanceof IsolatedPluginLoader && p.type().getClassLoader() != cl) {
                continue;
            }
            String n = name.apply(p.get());
            if (into.containsKey(n)) {
                throw new IllegalStateException("two " + type.getSimpleName() + " plugins are named '" + n + "'");
            }
            into.put(n, p::get);
        }
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t ? m : t.getClass().getSimpleName() + ": " + m;
    }

    /** The project's plugin jars that were not loaded because the user has not trusted them (yet). */
    public List<PluginJar> untrusted() {
        return untrusted;
    }

    /** Trusted jars that failed to load, each with why. */
    public List<String> problems() {
        return problems;
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

    private <T> T find(Map<String, Supplier<T>> m, String name, String kind) {
        Supplier<T> s = m.get(name);
        if (s == null) {
            StringBuilder msg = new StringBuilder("unknown " + kind + " '" + name + "'; known " + kind + "s: "
                    + String.join(", ", m.keySet()));
            for (PluginJar jar : untrusted) {
                msg.append("; not loaded: " + PROJECT_PLUGINS + "/").append(jar.name())
                        .append(" (not trusted: trust it in the window or with `grpowb trust PROJECT`)");
            }
            for (String p : problems) {
                msg.append("; ").append(p);
            }
            throw new NoSuchElementException(msg.toString());
        }
        return s.get();
    }
}
