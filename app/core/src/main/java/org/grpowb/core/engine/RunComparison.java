package org.grpowb.core.engine;

import java.util.List;
import org.grpowb.core.run.EvalRecord;
import org.grpowb.core.run.StepMetrics;
import org.grpowb.core.store.RunStore;

/**
 * One row of a comparison of runs on the same project, seeds and budget: what {@code grpowb compare} prints and a
 * UI would tabulate.
 *
 * @param label             what was varied (a variant name, or a label for a settings change)
 * @param runId             the run in the store
 * @param evalAccuracyBefore held-out accuracy of the starting model
 * @param evalAccuracyAfter held-out accuracy at the end
 * @param meanFlipRate      advantage sign-flip rate over the run: flipped rollouts over counted ones, all steps pooled
 * @param zeroAdvFrac       mean share of groups with all-zero advantages
 * @param meanEntropy       mean sampling entropy per token
 * @param tokensPerS        mean step throughput
 * @param wallSeconds       wall time of the run
 * @param evalPassAtKAfter  pass@k on the eval split at the end (NaN when not measured)
 * @param passK             that k (0 when not measured)
 * @param medianStepMs      median step wall time
 */
public record RunComparison(String label, long runId, double evalAccuracyBefore, double evalAccuracyAfter,
                            double meanFlipRate, double zeroAdvFrac, double meanEntropy, double tokensPerS,
                            double wallSeconds, double evalPassAtKAfter, int passK, double medianStepMs) {

    /** Summarises a stored run. */
    public static RunComparison of(String label, RunStore store, long runId, double wallSeconds) {
        List<StepMetrics> steps = store.metrics(runId);
        List<EvalRecord> evals = store.evals(runId);
        double before = evals.stream().filter(e -> e.step() == 0).mapToDouble(EvalRecord::accuracy).findFirst()
                .orElse(Double.NaN);
        double after = evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).accuracy();
        EvalRecord last = evals.isEmpty() ? null : evals.get(evals.size() - 1);
        double[] stepMs = steps.stream().mapToDouble(StepMetrics::wallMs).sorted().toArray();
        return new RunComparison(label, runId, before, after, pooledFlipRate(steps),
                steps.stream().mapToDouble(StepMetrics::zeroAdvFrac).average().orElse(Double.NaN),
                steps.stream().mapToDouble(StepMetrics::entropy).average().orElse(Double.NaN),
                steps.stream().mapToDouble(StepMetrics::tokensPerS).average().orElse(Double.NaN),
                wallSeconds, last == null || last.k() == 0 ? Double.NaN : last.passAtK(), last == null ? 0 : last.k(),
                stepMs.length == 0 ? Double.NaN : stepMs[stepMs.length / 2]);
    }

    /**
     * Σ flips / Σ counted rollouts over the steps; a per-step mean would weigh a step with one judged rollout like one
     * with a hundred. Runs stored before {@code flip_counted} existed fall back to the mean of the per-step rates.
     */
    private static double pooledFlipRate(List<StepMetrics> steps) {
        double flips = 0;
        double counted = 0;
        for (StepMetrics m : steps) {
            Double c = m.extra().get("flip_counted");
            Double rate = m.extra().get("flip_rate");
            if (c == null || rate == null) {
                return steps.stream().mapToDouble(x -> x.extra().getOrDefault("flip_rate", Double.NaN)).average()
                        .orElse(Double.NaN);
            }
            flips += rate * c;
            counted += c;
        }
        return counted == 0 ? 0.0 : flips / counted;
    }
}
