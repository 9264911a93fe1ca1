package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The project's {@code plugins/disabled} list: file names, one a line, of plugin files the user switched off without
 * removing them. It lives with the project (unlike trust, which is the user's), so a shared project can ship a plugin
 * switched off.
 */
final class DisabledPlugins {

    static final String FILE = "disabled";

    private DisabledPlugins() {
    }

    /** The disabled file names; none when there is no list. */
    static Set<String> read(Path projectDir) {
        Path list = list(projectDir);
        if (!Files.isRegularFile(list)) {
            return Set.of();
        }
        try {
            Set<String> names = new LinkedHashSet<>();
            for (String line : Files.readAllLines(list)) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the list of disabled plugins " + list, e);
        }
    }

    /** Adds or removes one name, written atomically (a reader sees the old list or the new, never half of one). */
    static void set(Path projectDir, String fileName, boolean disabled) {
        if (fileName == null || fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")
                || fileName.equals(FILE) || PluginKind.of(Path.of(fileName)).isEmpty()) {
            throw new IllegalArgumentException("not a plugin file name (a .jar, .java or .py file in "
                    + PluginRegistry.PROJECT_PLUGINS + "/): '" + fileName + "'");
        }
        Path list = list(projectDir);
        Set<String> names = new LinkedHashSet<>(read(projectDir));
        boolean changed = disabled ? names.add(fileName) : names.remove(fileName);
        if (!changed) {
            return;
        }
        try {
            Files.createDirectories(list.getParent());
            Path tmp = Files.createTempFile(list.getParent(), "." + FILE + ".", ".tmp");
            try {
                Files.write(tmp, names);
                Files.move(tmp, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the list of disabled plugins " + list, e);
        }
    }

    static Path list(Path projectDir) {
        return projectDir.resolve(PluginRegistry.PROJECT_PLUGINS).resolve(FILE);
    }
}
