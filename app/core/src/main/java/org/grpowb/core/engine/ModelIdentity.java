package org.grpowb.core.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which model a run started from, as content rather than a path: the SHA-256 of every file in the starting folder
 * (config, weights, tokenizer). A folder edited or replaced after the run no longer matches, and two runs compare only
 * when their models do. Stored with the run's config, under {@code model.identity}.
 */
public final class ModelIdentity {

    private static final int BUFFER = 1 << 20;

    private ModelIdentity() {
    }

    /**
     * The folder's files (not its subfolders), by name, with their hashes and sizes; empty for a run from random
     * weights (no folder).
     */
    public static ObjectNode of(Path folder) {
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        if (folder == null || !Files.isDirectory(folder)) {
            return identity;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot list the model folder", e);
        }
        for (Path f : files) {
            ObjectNode entry = identity.putObject(f.getFileName().toString());
            try {
                entry.put("sha256", sha256(f));
                entry.put("bytes", Files.size(f));
            } catch (IOException e) {
                throw new UncheckedIOException(f + ": cannot read to hash it", e);
            }
        }
        return identity;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
