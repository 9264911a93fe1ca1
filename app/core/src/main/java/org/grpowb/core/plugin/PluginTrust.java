package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.grpowb.core.user.UserFolders;

/**
 * The plugin files (jars, Java sources, Python files) this user has agreed to run, by SHA-256, in one file
 * ({@code ~/.grpowb/trusted-plugins}, or where {@code -Dgrpowb.trust.file} says). A project's plugins are code from
 * elsewhere: none is loaded until its exact bytes are in this file, which only an explicit act of the user (the
 * window's trust dialog, {@code grpowb trust}) writes.
 * Each line is {@code <sha256> <path when trusted>}; the path is for the reader, the hash is what counts.
 */
public final class PluginTrust {

    private final Path file;

    public PluginTrust(Path file) {
        this.file = file;
    }

    /** The user's trust file: {@code -Dgrpowb.trust.file}, else in the user's settings folder ({@link UserFolders}). */
    public static PluginTrust user() {
        String explicit = System.getProperty("grpowb.trust.file");
        return new PluginTrust(explicit != null ? Path.of(explicit) : UserFolders.current().trustFile());
    }

    public Path file() {
        return file;
    }

    public synchronized boolean trusts(PluginFile plugin) {
        return hashes().contains(plugin.sha256());
    }

    /** Records that the user trusts these exact bytes; written atomically. */
    public synchronized void trust(PluginFile plugin) {
        if (trusts(plugin)) {
            return;
        }
        try {
            List<String> lines = new ArrayList<>(Files.exists(file) ? Files.readAllLines(file) : List.of());
            lines.add(plugin.sha256() + " " + plugin.file());
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, lines);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plugin trust file " + file, e);
        }
    }

    private List<String> hashes() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.split("\\s+", 2)[0]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin trust file " + file, e);
        }
    }
}
