package org.grpowb.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A plugin file dropped into a project's {@code plugins/} folder, identified by the SHA-256 of its bytes: trust is
 * given to exactly these bytes, so a file that changes must be trusted again.
 *
 * @param file   where the project keeps it (absolute, normalised); never what is loaded, see {@link PluginCache}
 * @param kind   jar, Java source or Python, by its extension
 * @param sha256 the lower-case hex SHA-256 of its bytes when they were read
 */
public record PluginFile(Path file, PluginKind kind, String sha256) {

    public PluginFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 in lower-case hex: " + sha256);
        }
    }

    /**
     * A plugin file with the very bytes its hash was taken of. Loading goes through this, never through the path
     * again, so that a file replaced between the trust check and the loading cannot slip in unchecked bytes.
     */
    public record Read(PluginFile file, byte[] bytes) {

        public Read {
            Objects.requireNonNull(file, "file");
            bytes = bytes.clone();
        }

        /** A copy: what was hashed stays what was hashed. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The bytes without a copy, for this package's own readers, which never write to them. */
        byte[] shared() {
            return bytes;
        }
    }

    /**
     * Reads a plugin file once and hashes what was read.
     *
     * @throws IllegalArgumentException when the file's extension is none of {@link PluginKind}'s
     * @throws UncheckedIOException     naming the file when it cannot be read
     */
    public static Read read(Path file) {
        PluginKind kind = PluginKind.of(file).orElseThrow(() -> new IllegalArgumentException(
                file + " is not a plugin file: a plugin is a .jar, a .java or a .py file"));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin file " + file, e);
        }
        return new Read(new PluginFile(file.toAbsolutePath().normalize(), kind, sha256(bytes)), bytes);
    }

    /** Reads a plugin file to identify it (to trust it, or to list it); what is loaded is read again, once. */
    public static PluginFile of(Path file) {
        return read(file).file();
    }

    /** The lower-case hex SHA-256 of some bytes. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The file's name, as {@code project.yaml}'s readers and the trust dialog show it. */
    public String name() {
        return file.getFileName().toString();
    }
}
