package org.grpowb.core.plugin.python;

import java.nio.file.Path;

/**
 * One batch of a Python reward file failed: the function raised or returned something that is not one score per
 * completion, the batch timed out, or the worker died. Only that batch fails; the file stays usable, and a worker
 * that was lost is started afresh on the next batch.
 */
public final class PythonWorkerException extends RuntimeException {

    private final transient Path file;

    PythonWorkerException(Path file, String message) {
        this(file, message, null);
    }

    PythonWorkerException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The reward file whose batch failed. */
    public Path file() {
        return file;
    }
}
