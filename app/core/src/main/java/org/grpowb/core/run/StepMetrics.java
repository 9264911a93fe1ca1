package org.grpowb.core.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aggregates of one training step. Field names match the {@code train --json} keys.
 *
 * @param step          1-based step number
 * @param rewardMean    mean total reward over the step's rollouts
 * @param rewardStd     standard deviation of those rewards
 * @param accuracy      share of verified rollouts judged correct
 * @param loss          policy loss (mean over the μ update iterations); NaN when the update was skipped
 * @param kl            mean k3 KL to the reference over completion tokens
 * @param entropy       mean token entropy at sampling time
 * @param clipFrac      share of completion tokens whose ratio was clipped
 * @param zeroAdvFrac   share of groups whose advantages are all zero
 * @param tokensPerS    completion tokens sampled and trained per second of step wall time
 * @param responseLength mean completion length in tokens
 * @param rewardFailures rollouts whose reward call threw or timed out
 * @param skipped       true when the update was skipped for a non-finite loss
 * @param wallMs        step wall time in milliseconds
 * @param extra         further named metrics reported by the variant's loss
 */
public record StepMetrics(int step, double rewardMean, double rewardStd, double accuracy, double loss, double kl,
                          double entropy, double clipFrac, double zeroAdvFrac, double tokensPerS, double responseLength,
                          int rewardFailures, boolean skipped, double wallMs, Map<String, Double> extra) {
    public StepMetrics {
        extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
}
