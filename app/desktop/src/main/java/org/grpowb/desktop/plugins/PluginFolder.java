package org.grpowb.desktop.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.grpowb.core.plugin.PluginKind;
import org.grpowb.core.plugin.PluginRegistry;

/**
 * A project's {@code plugins/} folder as the window changes it: files dropped in (a same-named file replaced) and
 * files removed. A copy lands under a temporary name and is moved into place, so that the registry never reads a
 * half-written plugin; what it then reads is hashed and trusted as usual, so nothing copied here runs unasked.
 * Reads and writes the disk: off the JavaFX thread.
 */
final class PluginFolder {

    private PluginFolder() {
    }

    /**
     * Copies plugin files into {@code <projectDir>/plugins/}, replacing files of the same name.
     *
     * @return the copies, in the order given
     * @throws IllegalArgumentException naming the file when one is no plugin file (checked before anything is copied)
     * @throws UncheckedIOException     naming the file when it cannot be read or written
     */
    static List<Path> copyIn(Path projectDir, List<Path> files) {
        for (Path f : files) {
            if (PluginKind.of(f).isEmpty()) {
                throw new IllegalArgumentException(f + " is not a plugin file: a plugin is a .jar, a .java or a .py file");
            }
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + " is not a file that can be read");
            }
        }
        Path dir = projectDir.resolve(PluginRegistry.PROJECT_PLUGINS);
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Path f : files) {
                Path target = dir.resolve(f.getFileName().toString());
                if (Files.exists(target) && Files.isSameFile(f, target)) {
                    out.add(target); // dropped from the project's own folder: already in place
                    continue;
                }
                // a dot-file: the registry does not list it while it is being written
                Path partial = Files.createTempFile(dir, ".adding-", ".part");
                try {
                    Files.copy(f, partial, StandardCopyOption.REPLACE_EXISTING);
                    move(partial, target);
                } finally {
                    Files.deleteIfExists(partial);
                }
                out.add(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy plugins into " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Deletes a plugin file from the project's {@code plugins/} folder, and its line in {@code plugins/disabled} so
     * that a file of the same name dropped later is not silently off.
     */
    static void remove(Path projectDir, String fileName) {
        Path file = projectDir.resolve(PluginRegistry.PROJECT_PLUGINS).resolve(fileName).normalize();
        if (!file.getParent().equals(projectDir.resolve(PluginRegistry.PROJECT_PLUGINS).normalize())) {
            throw new IllegalArgumentException("not a file of the plugins folder: " + fileName);
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
        if (PluginRegistry.disabled(projectDir).contains(fileName)) {
            PluginRegistry.setDisabled(projectDir, fileName, false);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
