package org.grpowb.core.project;

import java.nio.file.Path;

/**
 * A problem with a project's files, located precisely enough to fix: file, line (1-based, 0 when unknown) and field.
 */
public class ProjectException extends RuntimeException {

    private final transient Path file;
    private final int line;
    private final String field;

    public ProjectException(Path file, int line, String field, String problem) {
        this(file, line, field, problem, null);
    }

    public ProjectException(Path file, int line, String field, String problem, Throwable cause) {
        super(format(file, line, field, problem), cause);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    private static String format(Path file, int line, String field, String problem) {
        StringBuilder sb = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            sb.append(':').append(line);
        }
        if (field != null && !field.isEmpty()) {
            sb.append(": field '").append(field).append('\'');
        }
        return sb.append(": ").append(problem).toString();
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
