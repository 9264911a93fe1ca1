package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.RewardFunction;
import org.grpowb.core.curriculum.BuiltinSamplers;
import org.grpowb.core.hints.BuiltinHintPolicies;
import org.grpowb.core.plugin.PluginStatus.State;
import org.grpowb.core.plugin.python.PythonSettings;

/**
 * The plugins this process can use, by name: the bundled ones on the application's class path and, for a project,
 * the plugin files in its {@code plugins/} folder that the user trusts: jars, single {@code .java} files (compiled
 * in-process against the plugin API, {@link SingleFileCompiler}) and Python files of reward functions (scored by a
 * worker process, {@link org.grpowb.core.plugin.python.PythonRewardFile}). Each file is read once and hashed; only a
 * trusted hash is loaded, from the content-addressed copy of those very bytes ({@link PluginCache}), never from the
 * project's path again. Each Java plugin gets a class loader of its own sharing only the plugin API
 * ({@link SharedOnly}), and each instance handed out runs its calls with that loader as the thread's context class
 * loader. Each lookup returns a fresh instance, so that two runs (or a run and the UI) never share a configured
 * plugin; a Python function is the exception, being a handle on its worker rather than configured state.
 * <p>
 * A file that fails (a compiler error, a broken service entry, a class that throws in its initialiser, a jar built
 * against another plugin API, a name that is taken) is left out whole and reported by {@link #statuses()} and
 * {@link #problems()}; it never takes the bundled plugins or other files down with it. The registry owns what it
 * loaded: {@link #close()} closes every jar's loader and stops every Python worker, after which lookups fail.
 * <p>
 * Prompt samplers and hint policies: the built-in ones ({@link BuiltinSamplers}, {@link BuiltinHintPolicies}) are not
 * registered with {@link ServiceLoader}, so {@link #samplerNames()} and {@link #hintPolicyNames()} list only those
 * that plugins (and any ServiceLoader-registered bundled ones) provide; a plugin may not take a built-in one's name.
 */
public final class PluginRegistry implements AutoCloseable {

    /** Where a project keeps its plugin files. */
    public static final String PROJECT_PLUGINS = "plugins";

    /** Makers by plugin interface, then by name; emptied on close so nothing here keeps a plugin's loader alive. */
    private volatile Map<Class<?>, Map<String, Supplier<?>>> plugins;
    private final List<PluginFile> untrusted;
    private final List<PluginStatus> statuses;
    private final List<String> problems;
    private final List<AutoCloseable> resources;
    private volatile boolean closed;

    PluginRegistry(Map<Class<?>, Map<String, Supplier<?>>> plugins, List<PluginFile> untrusted,
                   List<PluginStatus> statuses, List<String> problems, List<AutoCloseable> resources) {
        Map<Class<?>, Map<String, Supplier<?>>> copy = new LinkedHashMap<>();
        plugins.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
        this.plugins = Collections.unmodifiableMap(copy);
        this.untrusted = List.copyOf(untrusted);
        this.statuses = List.copyOf(statuses);
        this.problems = List.copyOf(problems);
        this.resources = new ArrayList<>(resources);
    }

    /** Plugins visible to the given class loaders (the application's own when none is given). */
    public static PluginRegistry discover(ClassLoader... loaders) {
        List<ClassLoader> ls = new ArrayList<>(List.of(loaders));
        if (ls.isEmpty()) {
            ls.add(PluginRegistry.class.getClassLoader());
        }
        Map<Class<?>, Map<String, Supplier<?>>> plugins = emptyMaps();
        for (ClassLoader cl : ls) {
            for (PluginInterface<?> api : PluginInterface.ALL) {
                for (ServiceLoader.Provider<?> p : ServiceLoader.load(api.type(), cl).stream().toList()) {
                    String n = api.nameOf(p.get());
                    // the application's own plugins are ours: a clash among them is a build error, so it throws
                    if (plugins.get(api.type()).put(n, p::get) != null) {
                        throw new IllegalStateException("two " + api.simpleName() + " plugins are named '" + n + "'");
                    }
                }
            }
        }
        return new PluginRegistry(plugins, List.of(), List.of(), List.of(), List.of());
    }

    /**
     * The bundled plugins plus the trusted plugin files in {@code <projectDir>/plugins/}, with Python files run by
     * the interpreter {@link PythonSettings#fromSystem()} names, looked up only once a trusted Python file needs it.
     * Untrusted files are not opened at all (only hashed): see {@link #untrusted()}. Reads the disk, may compile.
     */
    public static PluginRegistry forProject(Path projectDir, PluginTrust trust) {
        return forProject(projectDir, trust, PythonSettings::fromSystem, PluginCache.user());
    }

    /** As {@link #forProject(Path, PluginTrust)}, with Python files run as {@code python} says. */
    public static PluginRegistry forProject(Path projectDir, PluginTrust trust, PythonSettings python) {
        return forProject(projectDir, trust, () -> python, PluginCache.user());
    }

    /** As {@link #forProject(Path, PluginTrust)}, with the plugin copies kept in {@code cache}. */
    static PluginRegistry forProject(Path projectDir, PluginTrust trust, Supplier<PythonSettings> python,
                                     PluginCache cache) {
        PluginLoading loading = new PluginLoading(discover(), once(python));
        try {
            Set<String> disabled = DisabledPlugins.read(projectDir);
            for (Path path : pluginPaths(projectDir)) {
                loading.add(path, trust, disabled.contains(path.getFileName().toString()), cache);
            }
            return loading.registry();
        } catch (RuntimeException | Error e) {
            loading.abandon(); // no loader or worker outlives a load that cannot finish
            throw e;
        }
    }

    /** The plugin files in a project's {@code plugins/} folder, by file name, each read and hashed. */
    public static List<PluginFile> files(Path projectDir) {
        return pluginPaths(projectDir).stream().map(PluginFile::of).toList();
    }

    /**
     * Records in the project's {@code plugins/disabled} list (one file name a line, written atomically) that a plugin
     * file is switched off, or on again. A disabled file is not opened, trusted or not, until it is enabled.
     *
     * @param fileName the file's name in {@code plugins/}, e.g. {@code short-answer.jar}
     */
    public static void setDisabled(Path projectDir, String fileName, boolean disabled) {
        DisabledPlugins.set(projectDir, fileName, disabled);
    }

    /** The names in a project's {@code plugins/disabled} list. */
    public static Set<String> disabled(Path projectDir) {
        return DisabledPlugins.read(projectDir);
    }

    /** Plugin files, by name: regular files with a plugin extension; dot-files (an editor's, the OS's) are not. */
    private static List<Path> pluginPaths(Path projectDir) {
        Path dir = projectDir.resolve(PROJECT_PLUGINS);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> PluginKind.of(p).isPresent() && !p.getFileName().toString().startsWith(".")
                    && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    static Map<Class<?>, Map<String, Supplier<?>>> emptyMaps() {
        Map<Class<?>, Map<String, Supplier<?>>> maps = new LinkedHashMap<>();
        PluginInterface.ALL.forEach(api -> maps.put(api.type(), new TreeMap<>()));
        return maps;
    }

    /** Asks {@code s} once, when first needed: no trusted Python file, no interpreter looked up. */
    private static <T> Supplier<T> once(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }

    /** A failure in one line: its root cause's message, after the outer exception's name when they differ. */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t ? m : t.getClass().getSimpleName() + ": " + m;
    }

    /** The makers of the plugins of one interface, by name. */
    Map<String, Supplier<?>> makers(PluginInterface<?> api) {
        return plugins.get(api.type());
    }

    /** The plugin's own instance's class loader, behind the wrapper that sets the context class loader. */
    static ClassLoader loaderOf(Object plugin) {
        return ContextLoaderProxy.unwrap(plugin).getClass().getClassLoader();
    }

    /** The project's plugin files that were not loaded because the user has not trusted them (yet). */
    public List<PluginFile> untrusted() {
        return untrusted;
    }

    /** Trusted files that failed to load, each problem a line: {@code plugins/x.java was not loaded: line 3, ...}. */
    public List<String> problems() {
        return problems;
    }

    /** Every plugin file of the project, by file name, with what became of it. */
    public List<PluginStatus> statuses() {
        return statuses;
    }

    /**
     * Closes every plugin jar's class loader (releasing its file), drops the single-file plugins' loaders and stops
     * the Python workers; lookups fail after it. Instances handed out before keep what they already loaded, but a
     * class they have not loaded yet is gone: close when the project closes or its plugins are replaced, once no run
     * uses them. Idempotent.
     *
     * @throws UncheckedIOException after closing all, when a loader could not be closed
     */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            plugins = Map.of();
            toClose = List.copyOf(resources);
            resources.clear();
        }
        Exception first = null;
        for (AutoCloseable r : toClose) {
            try {
                r.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new UncheckedIOException("a plugin could not be closed: " + describe(first),
                    first instanceof IOException io ? io : new IOException(first));
        }
    }

    public GrpoVariant variant(String name) {
        return find(PluginInterface.VARIANT, name);
    }

    public RewardFunction reward(String name) {
        return find(PluginInterface.REWARD, name);
    }

    public PolicyModelFactory model(String name) {
        return find(PluginInterface.MODEL, name);
    }

    /** A prompt sampler a plugin provides (the built-in ones are {@link BuiltinSamplers}'). */
    public PromptSampler sampler(String name) {
        return find(PluginInterface.SAMPLER, name);
    }

    /** A hint policy a plugin provides (the built-in ones are {@link BuiltinHintPolicies}'). */
    public HintPolicy hintPolicy(String name) {
        return find(PluginInterface.HINT_POLICY, name);
    }

    public List<String> variantNames() {
        return names(PluginInterface.VARIANT);
    }

    public List<String> rewardNames() {
        return names(PluginInterface.REWARD);
    }

    public List<String> modelNames() {
        return names(PluginInterface.MODEL);
    }

    /** The prompt samplers plugins provide; the built-in ones are not listed here. */
    public List<String> samplerNames() {
        return names(PluginInterface.SAMPLER);
    }

    /** The hint policies plugins provide; the built-in ones are not listed here. */
    public List<String> hintPolicyNames() {
        return names(PluginInterface.HINT_POLICY);
    }

    private List<String> names(PluginInterface<?> api) {
        return List.copyOf(open().get(api.type()).keySet());
    }

    private Map<Class<?>, Map<String, Supplier<?>>> open() {
        Map<Class<?>, Map<String, Supplier<?>>> p = plugins;
        if (closed) {
            throw new IllegalStateException("these plugins were closed with their project; open the project again");
        }
        return p;
    }

    private <T> T find(PluginInterface<T> api, String name) {
        Map<String, Supplier<?>> m = open().get(api.type());
        Supplier<?> s = m.get(name);
        if (s == null) {
            throw new NoSuchElementException("unknown " + api.word() + " '" + name + "'; known " + api.plural() + ": "
                    + String.join(", ", m.keySet()) + whyNotLoaded());
        }
        return api.type().cast(s.get());
    }

    /** Why the project's files that are not loaded are not, each as {@code "; not loaded: plugins/x (why)"}. */
    String whyNotLoaded() {
        StringBuilder msg = new StringBuilder();
        for (PluginStatus st : statuses) {
            if (st.state() == State.UNTRUSTED || st.state() == State.DISABLED) {
                msg.append("; not loaded: " + PROJECT_PLUGINS + "/").append(st.fileName())
                        .append(" (").append(st.detail()).append(")");
            }
        }
        for (String p : problems) {
            msg.append("; ").append(p);
        }
        return msg.toString();
    }
}
