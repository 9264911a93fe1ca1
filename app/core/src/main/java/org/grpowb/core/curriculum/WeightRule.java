package org.grpowb.core.curriculum;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.grpowb.api.Example;

/**
 * A stage's sampling weights by one metadata field: a prompt whose {@code field} has a listed value weighs that much,
 * any other prompt (the field missing included) weighs {@code otherwise}. Weights are relative and positive: leaving
 * a value out of a stage is the filter's job.
 *
 * @param field     metadata field, as in the data line
 * @param byValue   weight per value, values compared as strings
 * @param otherwise weight of every other prompt
 */
public record WeightRule(String field, Map<String, Double> byValue, double otherwise) {

    public WeightRule {
        Objects.requireNonNull(field, "field");
        byValue = Collections.unmodifiableMap(new LinkedHashMap<>(byValue));
        for (Map.Entry<String, Double> e : byValue.entrySet()) {
            requirePositive(e.getValue(), "weight of '" + e.getKey() + "'");
        }
        requirePositive(otherwise, "otherwise");
    }

    /** The weight of one example. */
    public double weight(Example example) {
        String v = example.fields().get(field);
        return v != null && byValue.containsKey(v) ? byValue.get(v) : otherwise;
    }

    private static void requirePositive(Double w, String what) {
        if (w == null || !(w > 0) || w.isInfinite()) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + w
                    + " (to leave prompts out, use the stage's filter)");
        }
    }
}
