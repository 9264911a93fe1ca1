package org.grpowb.core.plugin.python;

import java.time.Duration;

/**
 * How Python reward files are run.
 *
 * @param executable   the interpreter (the user's {@code python3} unless settings say otherwise)
 * @param startTimeout how long the worker may take to import the file and list its functions
 * @param batchTimeout how long one batch may take; past it the worker is killed and only that batch fails
 */
public record PythonSettings(String executable, Duration startTimeout, Duration batchTimeout) {

    /** From {@code -Dgrpowb.python}, else the environment's {@code GRPOWB_PYTHON}, else {@code python3}. */
    public static PythonSettings fromSystem() {
        throw new UnsupportedOperationException("skeleton: implemented by the Python worker change");
    }
}
