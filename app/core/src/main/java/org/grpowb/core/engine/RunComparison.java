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
 * @param meanFlipRate      mean per-step advantage sign-flip rate
 * @param zeroAdvFrac       mean share of groups with all-zero advantages
 * @param meanEntropy       mean sampling entropy per token
 * @param tokensPerS        mean step throughput
 * @param wallSeconds       wall time of the run
 */
public record RunComparison(String label, long runId, double evalAccuracyBefore, double evalAccuracyAfter,
                            double meanFlipRate, double zeroAdvFrac, double meanEntropy, double tokensPerS,
                            double wallSeconds) {

    /** Summarises a stored run. */
    public static RunComparison of(String label, RunStore store, long runId, double wallSeconds) {
        List<StepMetrics> steps = store.metrics(runId);
        List<EvalRecord> evals = store.evals(runId);
        double before = evals.stream().filter(e -> e.step() == 0).mapToDouble(EvalRecord::accuracy).findFirst()
                .orElse(Double.NaN);
        double after = evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).accuracy();
        return new RunComparison(label, runId, before, after,
                steps.stream().mapToDouble(m -> m.extra().getOrDefault("flip_rate", Double.NaN)).average().orElse(Double.NaN),
                steps.stream().mapToDouble(StepMetrics::zeroAdvFrac).average().orElse(Double.NaN),
                steps.stream().mapToDouble(StepMetrics::entropy).average().orElse(Double.NaN),
                steps.stream().mapToDouble(StepMetrics::tokensPerS).average().orElse(Double.NaN),
                wallSeconds);
    }
}
