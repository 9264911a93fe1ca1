package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A plugin jar dropped into a project's {@code plugins/} folder, identified by the SHA-256 of its bytes: trust is
 * given to exactly these bytes, so a jar that changes must be trusted again.
 */
public record PluginJar(Path file, String sha256) {

    /** Reads the jar to hash it. */
    public static PluginJar of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return new PluginJar(file.toAbsolutePath().normalize(), HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin jar " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public String name() {
        return file.getFileName().toString();
    }
}
