package org.grpowb.core.plugin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Why a plugin file was not loaded, at a place in it where one is known: a compiler error of a Java source, the line
 * of a Python file that does not import, or (line 0) a reason that belongs to the whole file, such as a jar built
 * against another plugin API.
 *
 * @param file    the project's own file (never the cache's copy: it is the one the user edits)
 * @param line    1-based, or 0 when the problem has no line
 * @param column  1-based, or 0 when unknown
 * @param message what is wrong, in the compiler's or the loader's words
 */
public record PluginProblem(Path file, long line, long column, String message) {

    public PluginProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column are 1-based, or 0 when unknown: "
                    + line + ":" + column);
        }
    }

    /** A problem of the whole file. */
    static PluginProblem of(Path file, String message) {
        return new PluginProblem(file, 0, 0, message);
    }

    /** {@code file:line:column: message}, as compilers write it; the unknown parts are left out. */
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + message;
    }
}
