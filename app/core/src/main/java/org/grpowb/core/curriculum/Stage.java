package org.grpowb.core.curriculum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.grpowb.api.Example;

/**
 * One curriculum stage: which prompts it allows, how it weighs them, an optional cap on completion length, and when
 * it hands over to the next stage.
 *
 * @param name         shown in the UI and in errors
 * @param filter       metadata field → allowed values; a prompt is allowed when every listed field has an allowed
 *                     value (compared as strings; a missing field allows nothing). The field {@code tags} holds a
 *                     comma-separated or JSON-array list and matches when any tag is allowed. Empty: every prompt.
 * @param weights      sampling weights, or null for weight 1 everywhere
 * @param maxNewTokens completion length cap while in this stage, or null for the run's own
 * @param advance      when to move on ({@link Advance.Never} for the last stage)
 */
public record Stage(String name, Map<String, List<String>> filter, WeightRule weights, Integer maxNewTokens,
                   Advance advance) {

    /** The metadata field read as a list of tags. */
    public static final String TAGS = "tags";

    private static final ObjectMapper JSON = new ObjectMapper();

    public Stage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(advance, "advance");
        Map<String, List<String>> f = new LinkedHashMap<>();
        (filter == null ? Map.<String, List<String>>of() : filter).forEach((k, v) -> f.put(k, List.copyOf(v)));
        filter = Collections.unmodifiableMap(f);
        if (maxNewTokens != null && maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be at least 1, got " + maxNewTokens);
        }
    }

    /** A stage allowing every prompt, weight 1, never advancing: what a curriculum without stages is. */
    public static Stage all() {
        return new Stage("all", Map.of(), null, null, new Advance.Never());
    }

    /** Whether this stage allows the example. */
    public boolean allows(Example example) {
        for (Map.Entry<String, List<String>> e : filter.entrySet()) {
            String value = example.fields().get(e.getKey());
            if (value == null) {
                return false;
            }
            List<String> values = e.getKey().equals(TAGS) ? tags(value) : List.of(value);
            if (values.stream().noneMatch(e.getValue()::contains)) {
                return false;
            }
        }
        return true;
    }

    /** The example's sampling weight in this stage. */
    public double weight(Example example) {
        return weights == null ? 1.0 : weights.weight(example);
    }

    /** A tags field's tags: a JSON array ({@code ["algebra","proof"]}) or comma-separated ({@code algebra, proof}). */
    static List<String> tags(String value) {
        String v = value.trim();
        if (v.startsWith("[")) {
            try {
                JsonNode array = JSON.readTree(v);
                if (array.isArray()) {
                    List<String> out = new ArrayList<>();
                    array.forEach(t -> out.add(t.asText().trim()));
                    return out;
                }
            } catch (java.io.IOException notJson) {
                // a bracketed list that is not JSON, such as [a, b]: read it as comma-separated below
            }
            v = v.substring(1, v.endsWith("]") ? v.length() - 1 : v.length());
        }
        List<String> out = new ArrayList<>();
        for (String t : v.split(",")) {
            String tag = t.trim();
            if (!tag.isEmpty()) {
                out.add(tag);
            }
        }
        return out;
    }
}
