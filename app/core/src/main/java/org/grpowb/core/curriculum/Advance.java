package org.grpowb.core.curriculum;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** When a curriculum stage hands over to the next. */
public sealed interface Advance {

    /** The step metrics a {@link OnMetric} rule may watch, as the engine names them in its step metrics. */
    List<String> METRICS = List.of("accuracy", "reward_mean", "zero_adv_frac");

    /** After this many steps in the stage. */
    record AfterSteps(int steps) implements Advance {
        public AfterSteps {
            if (steps < 1) {
                throw new IllegalArgumentException("after_steps must be at least 1, got " + steps);
            }
        }
    }

    /**
     * When the mean of a step metric over the stage's last {@code window} steps is strictly above (or below) a
     * threshold. A window is judged only once the stage has run that many steps, and not while any of them lacks the
     * metric (a step that did not measure it proves nothing).
     *
     * @param metric    one of {@link #METRICS}
     * @param above     true: advance when the mean is above {@code threshold}; false: below
     * @param threshold the threshold
     * @param window    steps averaged over, at least 1
     */
    record OnMetric(String metric, boolean above, double threshold, int window) implements Advance {
        public OnMetric {
            Objects.requireNonNull(metric, "metric");
            if (!METRICS.contains(metric)) {
                throw new IllegalArgumentException("metric must be one of " + String.join(", ", METRICS)
                        + ", got '" + metric + "'");
            }
            if (!Double.isFinite(threshold)) {
                throw new IllegalArgumentException("threshold must be a finite number, got " + threshold);
            }
            if (window < 1) {
                throw new IllegalArgumentException("window must be at least 1, got " + window);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %s %s over %d steps", metric, above ? "above" : "below",
                    threshold, window);
        }
    }

    /** Stays: the last stage. */
    record Never() implements Advance {
    }
}
