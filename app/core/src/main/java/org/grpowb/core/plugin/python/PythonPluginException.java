package org.grpowb.core.plugin.python;

import java.nio.file.Path;

/** A Python reward file that cannot be used: it does not import, defines no reward function, or the worker won't start. */
public final class PythonPluginException extends Exception {

    private final Path file;
    private final int line;

    /** @param line the file's line at fault, 0 when unknown */
    public PythonPluginException(Path file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }
}
