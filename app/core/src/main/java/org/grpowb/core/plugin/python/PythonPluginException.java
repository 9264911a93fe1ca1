package org.grpowb.core.plugin.python;

import java.nio.file.Path;

/**
 * A Python reward file that cannot be used: it does not import, defines no reward function, or the worker won't
 * start. Located like a project's own problems: the message begins with {@code file:line} when the line is known, and
 * {@link #file()} and {@link #line()} let the Problems view open the file there.
 */
public final class PythonPluginException extends Exception {

    private final transient Path file;
    private final int line;
    private final String problem;

    /** @param line the file's line at fault (1-based), 0 when unknown */
    public PythonPluginException(Path file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = Math.max(0, line);
        this.problem = message;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** What is wrong, without the location the message starts with. */
    public String problem() {
        return problem;
    }
}
