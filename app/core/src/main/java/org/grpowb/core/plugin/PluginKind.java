package org.grpowb.core.plugin;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The three kinds of file a project's {@code plugins/} folder may hold, told apart by the file's extension. Each runs
 * differently (a jar's classes, a source file compiled in-process, a Python worker process) but all are trusted by
 * their bytes' SHA-256 and contained the same way.
 */
public enum PluginKind {
    /** A jar of compiled plugins registered in its {@code META-INF/services}. */
    JAR(".jar"),
    /** One {@code .java} file with one public class implementing a plugin interface, compiled against the API. */
    JAVA_SOURCE(".java"),
    /** A Python file of reward functions in TRL's signature, scored by a worker process. */
    PYTHON(".py");

    private final String extension;

    PluginKind(String extension) {
        this.extension = extension;
    }

    /** The file name's ending, with its dot, in lower case. */
    public String extension() {
        return extension;
    }

    /** The kind of a file by its name's extension (case-insensitively), or empty when it is no plugin file. */
    public static Optional<PluginKind> of(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        for (PluginKind k : values()) {
            if (n.endsWith(k.extension) && n.length() > k.extension.length()) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
