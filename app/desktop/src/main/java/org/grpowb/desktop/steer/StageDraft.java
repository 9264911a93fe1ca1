package org.grpowb.desktop.steer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Iterator;
import java.util.Map;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One curriculum stage as the timeline edits it: its name, filter, length cap and advance rule as text the user types.
 * The filter and the advance rule are YAML mappings written without their braces ({@code difficulty: [easy, medium]},
 * {@code after_steps: 20}, {@code metric: accuracy, above: 0.6, window: 5}), the words of {@code project.yaml}. A
 * stage's weights are kept as they came, not edited here.
 */
public final class StageDraft {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty filter = new SimpleStringProperty("");
    private final StringProperty maxNewTokens = new SimpleStringProperty("");
    private final StringProperty advance = new SimpleStringProperty("");
    private JsonNode weights;

    public StageDraft(String name) {
        this.name.set(name);
    }

    /** A stage as a curriculum section writes it ({@code CurriculumConfig.toJson}). */
    static StageDraft of(JsonNode stage) {
        StageDraft d = new StageDraft(stage.path("name").asText());
        d.filter.set(flow(stage.get("filter")));
        d.maxNewTokens.set(stage.has("max_new_tokens") ? stage.get("max_new_tokens").asText() : "");
        d.advance.set(flow(stage.get("advance")));
        d.weights = stage.get("weights");
        return d;
    }

    /**
     * The stage as a section's stage, for {@code CurriculumConfig.parse} to check.
     *
     * @throws IllegalArgumentException naming the stage and the field whose text is not a mapping or a number
     */
    ObjectNode toJson() {
        ObjectNode out = JSON.createObjectNode();
        out.put("name", name.get().trim());
        JsonNode f = mapping(filter.get(), "filter");
        if (f != null) {
            out.set("filter", f);
        }
        if (weights != null) {
            out.set("weights", weights);
        }
        String cap = maxNewTokens.get().trim();
        if (!cap.isEmpty()) {
            try {
                out.put("max_new_tokens", Integer.parseInt(cap));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("stage '" + name.get() + "': max_new_tokens must be a whole number,"
                        + " got '" + cap + "'");
            }
        }
        JsonNode a = mapping(advance.get(), "advance");
        if (a != null) {
            out.set("advance", a);
        }
        return out;
    }

    private JsonNode mapping(String text, String field) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return null;
        }
        try {
            JsonNode n = YAML.readTree(t.startsWith("{") ? t : "{" + t + "}");
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (JsonProcessingException e) {
            // reported below, with the stage and the field
        }
        throw new IllegalArgumentException("stage '" + name.get() + "': " + field + " must be a mapping such as "
                + (field.equals("filter") ? "difficulty: [easy, medium]" : "after_steps: 20") + ", got '" + t + "'");
    }

    /** A mapping as one line of YAML without its braces: {@code difficulty: [easy, medium]}. */
    static String flow(JsonNode node) {
        if (node == null || !node.isObject()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.append(e.getKey()).append(": ").append(value(e.getValue()));
            if (it.hasNext()) {
                out.append(", ");
            }
        }
        return out.toString();
    }

    private static String value(JsonNode v) {
        if (v.isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(value(v.get(i)));
            }
            return out.append("]").toString();
        }
        if (v.isObject()) {
            return "{" + flow(v) + "}";
        }
        return v.asText();
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty filterProperty() {
        return filter;
    }

    public StringProperty maxNewTokensProperty() {
        return maxNewTokens;
    }

    public StringProperty advanceProperty() {
        return advance;
    }
}
