package org.grpowb.core.plugin.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The worker's Python side, {@value #NAME}, copied once per JVM from the resources into a private temporary folder:
 * the interpreter needs a file, and passing the script with {@code -c} does not survive Windows' quoting.
 */
final class RunnerScript {

    static final String NAME = "grpowb_reward_worker.py";

    private static Path copy;

    private RunnerScript() {
    }

    /** The runner's file, copied again if it was removed since (a temp cleaner, say). */
    static synchronized Path path() {
        if (copy != null && Files.isRegularFile(copy)) {
            return copy;
        }
        try (InputStream in = RunnerScript.class.getResourceAsStream(NAME)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + NAME + " is missing from the workbench's build");
            }
            // createTempDirectory makes the folder the user's alone (rwx------ on POSIX): nobody can swap the runner
            Path dir = Files.createTempDirectory("grpowb-python-");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(NAME);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            copy = file;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Python worker's runner to a temporary folder", e);
        }
    }
}
