package org.grpowb.core.plugin;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * One plugin jar's own class loader, over the jar's content-addressed copy ({@link PluginCache}). The jar sees the
 * JDK, the plugin API ({@code org.grpowb.api}), DJL's API (which losses compute with) and SLF4J, and nothing else of
 * the application: not the engine, the store or another jar's classes ({@link SharedOnly}). Two jars may bundle
 * different versions of a library without clashing; a jar that needs a library ships it inside (a shaded jar).
 * Closed by its registry, which releases the jar file.
 */
final class IsolatedPluginLoader extends URLClassLoader {

    IsolatedPluginLoader(String name, Path jarCopy, ClassLoader application) throws MalformedURLException {
        super("plugin:" + name, new URL[] {jarCopy.toUri().toURL()}, new SharedOnly(application));
    }
}
