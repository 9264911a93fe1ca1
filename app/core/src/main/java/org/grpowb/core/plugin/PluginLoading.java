package org.grpowb.core.plugin;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PromptSampler;
import org.grpowb.core.curriculum.BuiltinSamplers;
import org.grpowb.core.hints.BuiltinHintPolicies;
import org.grpowb.core.plugin.PluginStatus.State;
import org.grpowb.core.plugin.python.PythonSettings;

/**
 * What {@link PluginRegistry#forProject} builds, one file at a time: a file's plugins are collected apart and
 * registered only once the whole file loaded and none of its names is taken, so a failing file leaves no
 * half-registered names, and what it opened is closed at once.
 */
final class PluginLoading {

    private static final String PROJECT_PLUGINS = PluginRegistry.PROJECT_PLUGINS;
    private static final String HOW_TO_TRUST = "not trusted: trust it in the window or with `grpowb trust PROJECT`";

    private final Map<Class<?>, Map<String, Supplier<?>>> plugins = PluginRegistry.emptyMaps();
    /** Who has each name, by interface, for the message when another file wants it too. */
    private final Map<Class<?>, Map<String, String>> owners = new LinkedHashMap<>();
    private final Supplier<PythonSettings> python;
    private final List<PluginFile> untrusted = new ArrayList<>();
    private final List<PluginStatus> statuses = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    PluginLoading(PluginRegistry bundled, Supplier<PythonSettings> python) {
        this.python = python;
        for (PluginInterface<?> api : PluginInterface.ALL) {
            owners.put(api.type(), new TreeMap<>());
            bundled.makers(api).forEach((name, maker) -> {
                plugins.get(api.type()).put(name, maker);
                owners.get(api.type()).put(name, "a bundled plugin");
            });
        }
        // the built-ins that project.yaml resolves first: a plugin of the same name could never be chosen
        BuiltinSamplers.all().forEach(s -> owners.get(PromptSampler.class).put(s.name(), "a built-in sampler"));
        BuiltinHintPolicies.names().forEach(n -> owners.get(HintPolicy.class).put(n, "a built-in hint policy"));
    }

    /** Reads one file once, and loads it from its cache copy when it is trusted and not disabled. */
    void add(Path path, PluginTrust trust, boolean disabled, PluginCache cache) {
        PluginKind kind = PluginKind.of(path).orElseThrow();
        String name = path.getFileName().toString();
        PluginFile.Read read;
        try {
            read = PluginFile.read(path);
        } catch (UncheckedIOException e) {
            fail(name, kind, "", false, List.of(PluginProblem.of(path.toAbsolutePath().normalize(),
                    PluginRegistry.describe(e))));
            return;
        }
        PluginFile file = read.file();
        boolean trusted = trust.trusts(file);
        if (disabled) {
            statuses.add(new PluginStatus(name, kind, file.sha256(), trusted, State.DISABLED, Map.of(), List.of(),
                    "disabled: listed in " + PROJECT_PLUGINS + "/" + DisabledPlugins.FILE));
            return;
        }
        if (!trusted) {
            untrusted.add(file);
            statuses.add(new PluginStatus(name, kind, file.sha256(), false, State.UNTRUSTED, Map.of(), List.of(),
                    HOW_TO_TRUST));
            return;
        }
        LoadedPlugin loaded = null;
        try {
            loaded = LoadedPlugin.load(read, cache.store(read), python, PluginRegistry.class.getClassLoader());
            String clash = clash(loaded);
            if (clash != null) {
                throw new PluginLoadException(PluginProblem.of(file.file(), clash));
            }
            register(name, loaded);
            statuses.add(new PluginStatus(name, kind, file.sha256(), true, State.LOADED, provides(loaded),
                    List.of(), loaded.detail()));
        } catch (VirtualMachineError e) {
            closeQuietly(loaded);
            throw e; // out of memory is the JVM's problem, not this file's
        } catch (PluginLoadException e) {
            closeQuietly(loaded);
            fail(name, kind, file.sha256(), true, e.problems());
        } catch (Throwable t) { // a plugin's static initialiser may throw anything, linkage errors included
            closeQuietly(loaded);
            fail(name, kind, file.sha256(), true, List.of(PluginProblem.of(file.file(), PluginRegistry.describe(t))));
        }
    }

    private void fail(String name, PluginKind kind, String sha256, boolean trusted, List<PluginProblem> why) {
        statuses.add(new PluginStatus(name, kind, sha256, trusted, State.FAILED, Map.of(), why,
                why.isEmpty() ? "not loaded" : "not loaded: " + located(why.get(0))));
        for (PluginProblem p : why) {
            problems.add(PROJECT_PLUGINS + "/" + name + " was not loaded: " + located(p));
        }
    }

    /** Why the file cannot have one of its names, or null when all are free. */
    private String clash(LoadedPlugin loaded) {
        Map<Class<?>, Set<String>> own = new LinkedHashMap<>();
        for (LoadedPlugin.Provided p : loaded.provided()) {
            String kind = p.api().simpleName();
            String owner = owners.get(p.api().type()).get(p.name());
            if (owner != null) {
                return "a " + kind + " named '" + p.name() + "' is already provided by " + owner;
            }
            if (!own.computeIfAbsent(p.api().type(), k -> new HashSet<>()).add(p.name())) {
                return "it provides two " + kind + " plugins named '" + p.name() + "'";
            }
        }
        return null;
    }

    private void register(String fileName, LoadedPlugin loaded) {
        for (LoadedPlugin.Provided p : loaded.provided()) {
            plugins.get(p.api().type()).put(p.name(), p.maker());
            owners.get(p.api().type()).put(p.name(), PROJECT_PLUGINS + "/" + fileName);
        }
        resources.add(loaded.resource());
    }

    private static Map<String, List<String>> provides(LoadedPlugin loaded) {
        Map<String, List<String>> provides = new LinkedHashMap<>();
        for (PluginInterface<?> api : PluginInterface.ALL) {
            List<String> names = loaded.provided().stream().filter(p -> p.api() == api)
                    .map(LoadedPlugin.Provided::name).sorted().toList();
            if (!names.isEmpty()) {
                provides.put(api.simpleName(), names);
            }
        }
        return provides;
    }

    PluginRegistry registry() {
        return new PluginRegistry(plugins, untrusted, statuses, problems, resources);
    }

    /** Closes what the files loaded so far opened: for a load that cannot finish. */
    void abandon() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // the load's own failure is the one to report
            }
        }
    }

    private static void closeQuietly(LoadedPlugin loaded) {
        if (loaded != null) {
            try {
                loaded.close();
            } catch (Exception e) {
                // the file failed already; its failure is the one to report
            }
        }
    }

    /** A problem as the project's problems list shows it, after "plugins/x was not loaded: ". */
    private static String located(PluginProblem p) {
        return (p.line() > 0 ? "line " + p.line() + (p.column() > 0 ? ", column " + p.column() : "") + ": " : "")
                + p.message();
    }
}
