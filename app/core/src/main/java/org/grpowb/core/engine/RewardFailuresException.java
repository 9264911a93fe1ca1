package org.grpowb.core.engine;

/**
 * One reward function failed on more of a step's rollouts than the run allows ({@code reward_failure_pause_share}):
 * the step is not applied, and the run pauses before it so that the plugin can be fixed, replaced or disabled.
 */
public final class RewardFailuresException extends RuntimeException {

    private final String function;
    private final int failed;
    private final int rollouts;

    public RewardFailuresException(String function, int failed, int rollouts, String firstFailure) {
        super("reward '" + function + "' failed on " + failed + " of " + rollouts + " rollouts (first: " + firstFailure
                + ")");
        this.function = function;
        this.failed = failed;
        this.rollouts = rollouts;
    }

    public String function() {
        return function;
    }

    public int failed() {
        return failed;
    }

    public int rollouts() {
        return rollouts;
    }
}
