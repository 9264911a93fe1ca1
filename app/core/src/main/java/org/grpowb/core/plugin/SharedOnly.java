package org.grpowb.core.plugin;

import java.util.List;

/**
 * The parent of every plugin's class loader: the platform's classes, plus the shared packages from the application's
 * loader. Its resources are the platform's only, so the application's own plugin registrations never show through a
 * plugin's loader.
 */
final class SharedOnly extends ClassLoader {

    /** Packages a plugin shares with the application: the contract it implements and what that contract uses. */
    static final List<String> SHARED = List.of("org.grpowb.api.", "ai.djl.", "org.slf4j.");

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
