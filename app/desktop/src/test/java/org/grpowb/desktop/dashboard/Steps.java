package org.grpowb.desktop.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grpowb.core.run.StepMetrics;

/** Hand-made step metrics for the dashboard tests. */
final class Steps {
    private Steps() { }

    /** A plausible step whose every metric is a simple function of the step. */
    static StepMetrics step(int step, double rewardMean) {
        return new StepMetrics(step, rewardMean, 0.1, 0.5, 0.01 * step, 0.001, 1.5, 0.02, 0.25, 900, 40 + step % 7,
                0, false, 120, Map.of("flip_rate", 0.05, "thr_pos_mass", 0.3));
    }

    /** Steps from..to inclusive, reward a smooth wave. */
    static List<StepMetrics> range(int from, int to) {
        List<StepMetrics> out = new ArrayList<>();
        for (int s = from; s <= to; s++) out.add(step(s, Math.sin(s / 50.0)));
        return out;
    }
}
