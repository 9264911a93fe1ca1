package org.grpowb.core.engine;

/**
 * How a run ended.
 *
 * @param runId              run id in the store
 * @param status             {@code done}, {@code stopped} or {@code failed}
 * @param steps              last completed step
 * @param evalAccuracyBefore held-out accuracy of the starting model
 * @param evalAccuracyAfter  held-out accuracy at the end (NaN if the run failed before evaluating)
 * @param wallSeconds        wall time of this invocation
 * @param message            why it failed or stopped, or empty
 */
public record RunSummary(long runId, String status, int steps, double evalAccuracyBefore, double evalAccuracyAfter,
                         double wallSeconds, String message) {
}
