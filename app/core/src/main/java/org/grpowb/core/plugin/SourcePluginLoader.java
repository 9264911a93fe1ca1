package org.grpowb.core.plugin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class loader of a single-file plugin: defines the classes {@link SingleFileCompiler} compiled from it, in
 * memory, under the same {@link SharedOnly} parent as a jar's, so a source file sees exactly what a jar sees. It has
 * no resources and holds no file open; dropping it (with the plugin's instances) is all its release takes.
 */
final class SourcePluginLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** Class bytes not yet defined, by binary name; each is removed once defined, so it is defined at most once. */
    private final Map<String, byte[]> undefined;

    SourcePluginLoader(String name, Map<String, byte[]> classes, ClassLoader application) {
        super("plugin:" + name, new SharedOnly(application));
        this.undefined = new ConcurrentHashMap<>(classes);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = undefined.remove(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
