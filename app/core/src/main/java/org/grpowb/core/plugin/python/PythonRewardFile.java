package org.grpowb.core.plugin.python;

import java.nio.file.Path;
import java.util.List;
import org.grpowb.api.RewardFunction;

/**
 * One Python file of reward functions in TRL's signature, with the worker process that scores them.
 */
public final class PythonRewardFile implements AutoCloseable {

    private PythonRewardFile() {
    }

    /** Starts a worker on {@code file} and lists its reward functions. */
    public static PythonRewardFile open(Path file, PythonSettings settings) throws PythonPluginException {
        throw new UnsupportedOperationException("skeleton: implemented by the Python worker change");
    }

    /** One reward per function, named by the function's name. */
    public List<RewardFunction> functions() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** How often the worker was restarted after dying or timing out. */
    public int restarts() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Stops the worker. */
    @Override
    public void close() {
    }
}
