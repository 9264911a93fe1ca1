package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import org.grpowb.core.user.UserFolders;

/**
 * Content-addressed copies of trusted plugin files, at {@code <root>/<sha256>/<file name>}, and what every plugin is
 * loaded from. The project's own file may change at any moment (a rebuild, a second drop, an editor saving); the
 * copy holds exactly the bytes that were hashed and trusted, and a jar's class loader, which reads lazily for as long
 * as the plugin is in use, reads the copy.
 * <p>
 * The root is {@code -Dgrpowb.plugin.cache}, else {@code ~/.grpowb/plugin-cache}. Folders it creates are the user's
 * alone where the file system has POSIX permissions, and an existing copy is hashed again before it is used (and
 * rewritten when it does not match its folder's name), so a stale or tampered copy is never loaded in its place.
 */
public final class PluginCache {

    private static final String OWNER_ONLY = "rwx------";

    private final Path root;

    public PluginCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The user's cache: {@code -Dgrpowb.plugin.cache}, else in the user's cache folder ({@link UserFolders}). */
    public static PluginCache user() {
        String explicit = System.getProperty("grpowb.plugin.cache");
        return new PluginCache(explicit != null ? Path.of(explicit) : UserFolders.current().pluginCache());
    }

    public Path root() {
        return root;
    }

    /** Where the copy of these bytes is (or would be). */
    public Path pathOf(PluginFile file) {
        return root.resolve(file.sha256()).resolve(file.name());
    }

    /**
     * The copy of exactly these bytes, written first when it is missing or its bytes no longer hash to its folder's
     * name. Written to a temporary file beside it and moved into place, so a reader never sees half a copy.
     *
     * @throws UncheckedIOException naming the copy when it cannot be written
     */
    public Path store(PluginFile.Read read) {
        PluginFile file = read.file();
        Path copy = pathOf(file);
        try {
            if (Files.isRegularFile(copy) && PluginFile.sha256(Files.readAllBytes(copy)).equals(file.sha256())) {
                return copy;
            }
            Path dir = copy.getParent();
            createPrivate(dir);
            Path tmp = Files.createTempFile(dir, "." + file.name() + ".", ".tmp");
            try {
                Files.write(tmp, read.shared());
                Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plugin cache copy " + copy, e);
        }
    }

    private static void createPrivate(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY));
            Files.createDirectories(dir, ownerOnly);
        } else {
            Files.createDirectories(dir);
        }
    }
}
