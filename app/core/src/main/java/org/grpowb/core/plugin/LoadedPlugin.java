package org.grpowb.core.plugin;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.grpowb.api.PluginApi;
import org.grpowb.api.RewardFunction;
import org.grpowb.core.plugin.python.PythonPluginException;
import org.grpowb.core.plugin.python.PythonRewardFile;
import org.grpowb.core.plugin.python.PythonSettings;

/**
 * One trusted plugin file, loaded by its kind from its cache copy: the plugins it provides, each by name with a
 * maker of fresh instances, and what to close when the project's plugins go (a jar's class loader, a Python worker).
 * A file that fails to load closes what it opened before the failure leaves here.
 *
 * @param provided what the file provides
 * @param resource closed with the registry
 * @param detail   one line on how it runs, for {@link PluginStatus#detail()}
 */
record LoadedPlugin(List<Provided> provided, AutoCloseable resource, String detail) {

    /** One plugin of the file: an interface, the name it goes by, and a maker of (wrapped) instances. */
    record Provided(PluginInterface<?> api, String name, Supplier<?> maker) {
    }

    LoadedPlugin {
        provided = List.copyOf(provided);
    }

    /**
     * Loads a trusted file.
     *
     * @param read        the bytes that were hashed and trusted
     * @param copy        their copy in the {@link PluginCache}, which a jar's loader and a Python worker read
     * @param application the loader the plugin API is shared from
     */
    static LoadedPlugin load(PluginFile.Read read, Path copy, Supplier<PythonSettings> python,
                             ClassLoader application) throws PluginLoadException, IOException {
        return switch (read.file().kind()) {
            case JAR -> jar(read.file(), copy, application);
            case JAVA_SOURCE -> source(read, application);
            case PYTHON -> python(read.file(), copy, python);
        };
    }

    private static LoadedPlugin jar(PluginFile file, Path copy, ClassLoader application)
            throws PluginLoadException, IOException {
        String refusal = apiRefusal(copy);
        if (refusal != null) {
            throw new PluginLoadException(PluginProblem.of(file.file(), refusal));
        }
        IsolatedPluginLoader loader = new IsolatedPluginLoader(file.name(), copy, application);
        try {
            List<Provided> provided = new ArrayList<>();
            for (PluginInterface<?> api : PluginInterface.ALL) {
                for (ServiceLoader.Provider<?> p : ServiceLoader.load(api.type(), loader).stream().toList()) {
                    // the jar's loader lists its own registrations only, never what its parents provide
                    if (p.type().getClassLoader() == loader) {
                        provided.add(provided(api, p::get, loader));
                    }
                }
            }
            if (provided.isEmpty()) {
                throw new PluginLoadException(PluginProblem.of(file.file(), "it provides no plugin: no "
                        + "META-INF/services file in it names a class implementing a plugin interface"));
            }
            return new LoadedPlugin(provided, loader, "built against plugin API " + PluginApi.VERSION);
        } catch (Exception | Error e) {
            loader.close();
            throw e;
        }
    }

    /**
     * Why a jar is refused for the plugin API it was built against, or null when it is this workbench's: an API whose
     * interfaces changed would fail later, in the middle of a run, with a linkage error that names no jar.
     */
    static String apiRefusal(Path jar) throws IOException {
        String declared;
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            declared = m == null ? null : m.getMainAttributes().getValue(PluginApi.MANIFEST_ATTRIBUTE);
        }
        if (declared == null || declared.isBlank()) {
            return "its manifest has no " + PluginApi.MANIFEST_ATTRIBUTE + " attribute: build it against "
                    + "grpowb-plugin-api " + PluginApi.VERSION + " and add '" + PluginApi.MANIFEST_ATTRIBUTE + ": "
                    + PluginApi.VERSION + "' to its manifest";
        }
        int version;
        try {
            version = Integer.parseInt(declared.strip());
        } catch (NumberFormatException e) {
            return "its manifest's " + PluginApi.MANIFEST_ATTRIBUTE + " is '" + declared.strip()
                    + "', not a version number; this workbench has plugin API " + PluginApi.VERSION;
        }
        if (version != PluginApi.VERSION) {
            return "built against plugin API " + version + "; this workbench has " + PluginApi.VERSION;
        }
        return null;
    }

    /** A source file is compiled against this workbench's API, so its API version is always current. */
    private static LoadedPlugin source(PluginFile.Read read, ClassLoader application) throws PluginLoadException {
        PluginFile file = read.file();
        SingleFileCompiler.Result compiled = SingleFileCompiler.compile(file.file(),
                new String(read.shared(), StandardCharsets.UTF_8));
        if (!compiled.succeeded()) {
            throw new PluginLoadException(compiled.problems());
        }
        SourcePluginLoader loader = new SourcePluginLoader(file.name(), compiled.classes(), application);
        Constructor<?> constructor = inContext(loader, () -> {
            try {
                return Class.forName(compiled.pluginClass(), true, loader).getConstructor();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the compiled plugin class cannot be found: " + e.getMessage(), e);
            }
        });
        List<Provided> provided = new ArrayList<>();
        for (Class<?> service : compiled.services()) {
            PluginInterface<?> api = PluginInterface.ALL.stream().filter(a -> a.type() == service).findFirst()
                    .orElseThrow();
            provided.add(provided(api, () -> create(constructor), loader));
        }
        return new LoadedPlugin(provided, () -> { }, "compiled from source against plugin API " + PluginApi.VERSION);
    }

    private static Object create(Constructor<?> constructor) {
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(constructor.getDeclaringClass().getSimpleName() + "() threw "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + constructor.getDeclaringClass().getSimpleName(), e);
        }
    }

    private static LoadedPlugin python(PluginFile file, Path copy, Supplier<PythonSettings> python)
            throws PluginLoadException {
        PythonSettings settings = python.get();
        PythonRewardFile worker;
        try {
            worker = PythonRewardFile.open(copy, settings);
        } catch (PythonPluginException e) {
            // the worker ran the cache's copy; the user edits the project's file
            String message = String.valueOf(e.getMessage()).replace(copy.toString(), file.file().toString());
            throw new PluginLoadException(new PluginProblem(file.file(), Math.max(0, e.line()), 0, message));
        }
        try {
            List<Provided> provided = new ArrayList<>();
            for (RewardFunction f : worker.functions()) {
                // a Python function is the worker's, not a configured plugin instance: one serves every lookup
                provided.add(new Provided(PluginInterface.REWARD, f.name(), () -> f));
            }
            return new LoadedPlugin(provided, worker, "run by " + settings.executable()
                    + " in a worker process with your rights");
        } catch (RuntimeException | Error e) {
            worker.close();
            throw e;
        }
    }

    /**
     * A plugin's maker whose instances are wrapped to run with the plugin's loader as context loader (and are made
     * with it too: a constructor may look things up); makes one now, for its name.
     */
    private static <T> Provided provided(PluginInterface<T> api, Supplier<?> raw, ClassLoader loader) {
        Supplier<T> maker = () -> ContextLoaderProxy.wrap(api.type(), api.type().cast(inContext(loader, raw)),
                loader);
        String name = api.naming().apply(maker.get());
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("a " + api.simpleName() + " in it has no name");
        }
        return new Provided(api, name, maker);
    }

    private static <T> T inContext(ClassLoader loader, Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(caller);
        }
    }

    /** Closes what the file opened; a failure to close is the file's, not the caller's. */
    void close() throws Exception {
        resource.close();
    }
}
