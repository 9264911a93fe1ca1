package org.grpowb.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a reward function says of one completion.
 *
 * @param scores  named scores in a stable order (one function may emit several, e.g. for multi-reward variants)
 * @param verdict whether the completion solved the task, when the function can tell
 */
public record RewardResult(Map<String, Double> scores, Verdict verdict) {
    public RewardResult {
        Objects.requireNonNull(verdict, "verdict");
        scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        for (var e : scores.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("reward '" + e.getKey() + "' is not a finite number: " + e.getValue());
            }
        }
    }

    /** A single named score. */
    public static RewardResult of(String name, double score, Verdict verdict) {
        return new RewardResult(Map.of(name, score), verdict);
    }
}
