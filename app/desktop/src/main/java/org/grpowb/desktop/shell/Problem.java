package org.grpowb.desktop.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import org.grpowb.core.project.ProjectException;

/**
 * One entry of the problems list: what is wrong and, when known, where (file, 1-based line, field), so that the list
 * can open the file at that line.
 */
public record Problem(String message, Path file, int line, String field) {

    public Problem {
        message = message == null || message.isBlank() ? "unknown error" : message;
        line = Math.max(0, line);
    }

    /** A problem with no location. */
    public static Problem of(String message) {
        return new Problem(message, null, 0, null);
    }

    /** The problem a failure describes, located when it is (or wraps) a {@link ProjectException}. */
    public static Problem of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProjectException pe) {
                return new Problem(pe.getMessage(), pe.file(), pe.line(), pe.field());
            }
        }
        if (failure == null) {
            return of("unknown error");
        }
        return of(failure.getMessage() == null ? failure.toString() : failure.getMessage());
    }

    /** True when the problem names a file that exists, which the list can then open. */
    public boolean openable() {
        return file != null && Files.isRegularFile(file);
    }

    @Override
    public String toString() {
        return message;
    }
}
