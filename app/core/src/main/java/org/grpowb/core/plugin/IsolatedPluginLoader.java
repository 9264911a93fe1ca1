package org.grpowb.core.plugin;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * One plugin jar's own class loader. The jar sees the JDK, the plugin API ({@code org.grpowb.api}), DJL's API (which
 * losses compute with) and SLF4J, and nothing else of the application: not the engine, the store or another jar's
 * classes. Two jars may bundle different versions of a library without clashing; a jar that needs a library ships
 * it inside (a shaded jar).
 */
final class IsolatedPluginLoader extends URLClassLoader {

    /** Packages a plugin shares with the application: the contract it implements and what that contract uses. */
    static final List<String> SHARED = List.of("org.grpowb.api.", "ai.djl.", "org.slf4j.");

    IsolatedPluginLoader(PluginJar jar, ClassLoader application) throws MalformedURLException {
        super("plugin:" + jar.name(), new URL[] {jar.file().toUri().toURL()}, new SharedOnly(application));
    }

    /**
     * The parent: the platform's classes, plus the shared packages from the application's loader. Its resources are
     * the platform's only, so the application's own plugin registrations never show through a jar's loader.
     */
    private static final class SharedOnly extends ClassLoader {
        private final ClassLoader application;

        SharedOnly(ClassLoader application) {
            super("grpowb-plugin-api", ClassLoader.getPlatformClassLoader());
            this.application = application;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            for (String prefix : SHARED) {
                if (name.startsWith(prefix)) {
                    return application.loadClass(name);
                }
            }
            throw new ClassNotFoundException(name + " is not part of the plugin API");
        }
    }
}
