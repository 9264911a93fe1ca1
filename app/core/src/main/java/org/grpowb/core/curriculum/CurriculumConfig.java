package org.grpowb.core.curriculum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.Settings;

/**
 * The {@code curriculum:} section of {@code project.yaml}:
 *
 * <pre>
 * curriculum:
 *   sampler: staged                       # uniform (default), dynamic, staged, variance_aware, prompt_gdro, rollout_gdro
 *   sampler_settings: {eta: 0.1}
 *   length_budget: {from: 64, to: 16}     # optional, tokens
 *   stages:
 *     - {name: easy, filter: {level: ["1"]}, advance: {after_steps: 40}}
 *     - {name: medium, filter: {level: ["1","2"]}, weights: {field: level, values: {"2": 2.0}, otherwise: 1.0},
 *        max_new_tokens: 6, advance: {metric: accuracy, above: 0.6, window: 5}}
 *     - {name: all}
 * </pre>
 *
 * @param sampler          the prompt sampler's name (a built-in or a plugin's)
 * @param samplerSettings  its settings as written (checked against the declaration when the sampler is a built-in)
 * @param lengthBudget     the shrinking length budget, or null for none
 * @param curriculum       the stages; a section without stages is one stage allowing every prompt
 */
public record CurriculumConfig(String sampler, Map<String, Object> samplerSettings, LengthBudget lengthBudget,
                               Curriculum curriculum) {

    /** The sampler when none is named: the epoch walk, what the engine did before samplers. */
    public static final String DEFAULT_SAMPLER = "uniform";
    /** Steps a metric advance rule averages over when it names no window (ours: one step's accuracy is noise). */
    public static final int DEFAULT_WINDOW = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = "/curriculum";
    private static final Set<String> SECTION_KEYS = Set.of("sampler", "sampler_settings", "length_budget", "stages");
    private static final Set<String> STAGE_KEYS = Set.of("name", "filter", "weights", "max_new_tokens", "advance");
    private static final Set<String> WEIGHT_KEYS = Set.of("field", "values", "otherwise");
    private static final Set<String> ADVANCE_KEYS = Set.of("after_steps", "metric", "above", "below", "window");
    private static final Set<String> BUDGET_KEYS = Set.of("from", "to");

    public CurriculumConfig {
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(curriculum, "curriculum");
        samplerSettings = Collections.unmodifiableMap(new LinkedHashMap<>(
                samplerSettings == null ? Map.of() : samplerSettings));
    }

    /** No curriculum section: the epoch walk over every prompt, no length budget. */
    public static CurriculumConfig none() {
        return new CurriculumConfig(DEFAULT_SAMPLER, Map.of(), null, Curriculum.single());
    }

    /**
     * Reads a {@code curriculum:} section.
     *
     * @param node  the section's value (the object under {@code curriculum:}); null or JSON null for none
     * @param where the file, for messages ({@code "project.yaml"})
     * @throws CurriculumFormatException naming {@code where} and the JSON pointer of the bad node: unknown keys,
     *                                   values of the wrong kind or out of range, stages that can never be reached
     */
    public static CurriculumConfig parse(JsonNode node, String where) {
        Reader r = new Reader(where);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return none();
        }
        r.keys(node, ROOT, SECTION_KEYS);
        String sampler = node.has("sampler") ? r.text(node.get("sampler"), ROOT + "/sampler") : DEFAULT_SAMPLER;
        Map<String, Object> settings = r.samplerSettings(node.get("sampler_settings"), sampler);
        LengthBudget budget = node.has("length_budget") ? r.budget(node.get("length_budget")) : null;
        Curriculum curriculum = r.stages(node.get("stages"), sampler);
        return new CurriculumConfig(sampler, settings, budget, curriculum);
    }

    /** The section back as JSON, in the shape {@link #parse} reads: {@code parse(toJson())} equals this config. */
    public ObjectNode toJson() {
        ObjectNode out = JSON.createObjectNode();
        out.put("sampler", sampler);
        if (!samplerSettings.isEmpty()) {
            ObjectNode s = out.putObject("sampler_settings");
            samplerSettings.forEach((k, v) -> s.set(k, JSON.valueToTree(v)));
        }
        if (lengthBudget != null) {
            out.putObject("length_budget").put("from", lengthBudget.from()).put("to", lengthBudget.to());
        }
        if (!curriculum.equals(Curriculum.single())) {
            ArrayNode stages = out.putArray("stages");
            for (Stage stage : curriculum.stages()) {
                ObjectNode s = stages.addObject();
                s.put("name", stage.name());
                if (!stage.filter().isEmpty()) {
                    ObjectNode f = s.putObject("filter");
                    stage.filter().forEach((k, values) -> values.forEach(f.withArray(k)::add));
                }
                if (stage.weights() != null) {
                    ObjectNode w = s.putObject("weights");
                    w.put("field", stage.weights().field());
                    ObjectNode byValue = w.putObject("values");
                    stage.weights().byValue().forEach(byValue::put);
                    w.put("otherwise", stage.weights().otherwise());
                }
                if (stage.maxNewTokens() != null) {
                    s.put("max_new_tokens", stage.maxNewTokens());
                }
                if (stage.advance() instanceof Advance.AfterSteps a) {
                    s.putObject("advance").put("after_steps", a.steps());
                } else if (stage.advance() instanceof Advance.OnMetric m) {
                    s.putObject("advance").put("metric", m.metric()).put(m.above() ? "above" : "below", m.threshold())
                            .put("window", m.window());
                }
            }
        }
        return out;
    }

    /** Reads nodes, failing with the file and the JSON pointer. */
    private record Reader(String where) {

        CurriculumFormatException fail(String path, String problem) {
            return new CurriculumFormatException(where, path, problem);
        }

        void keys(JsonNode node, String path, Set<String> known) {
            if (!node.isObject()) {
                throw fail(path, "must be a mapping of " + String.join(", ", new TreeSet<>(known)) + "; got " + node);
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!known.contains(k)) {
                    throw fail(path, "unknown key '" + k + "'; known: " + String.join(", ", new TreeSet<>(known)));
                }
            }
        }

        String text(JsonNode node, String path) {
            if (node == null || !node.isValueNode() || node.isNull() || node.asText().isBlank()) {
                throw fail(path, "must be a non-empty name; got " + node);
            }
            return node.asText().trim();
        }

        int integer(JsonNode node, String path, int min) {
            if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min) {
                throw fail(path, "must be a whole number of at least " + min + "; got " + node);
            }
            return node.intValue();
        }

        double number(JsonNode node, String path) {
            if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())) {
                throw fail(path, "must be a number; got " + node);
            }
            return node.doubleValue();
        }

        Map<String, Object> samplerSettings(JsonNode node, String sampler) {
            String path = ROOT + "/sampler_settings";
            Map<String, Object> out = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return out;
            }
            if (!node.isObject()) {
                throw fail(path, "must be a mapping of setting name to value; got " + node);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isIntegralNumber() && v.canConvertToInt()) {
                    out.put(e.getKey(), v.intValue());
                } else if (v.isNumber()) {
                    out.put(e.getKey(), v.doubleValue());
                } else if (v.isBoolean()) {
                    out.put(e.getKey(), v.booleanValue());
                } else if (v.isTextual()) {
                    out.put(e.getKey(), v.textValue());
                } else {
                    throw fail(path + "/" + e.getKey(), "must be a number, a word or true/false; got " + v);
                }
            }
            // a plugin sampler's settings are checked where the plugin is found; a built-in's here
            Optional<PromptSampler> builtin = BuiltinSamplers.byName(sampler);
            if (builtin.isPresent()) {
                try {
                    Settings.resolve(builtin.get().settings(), out, "sampler '" + sampler + "'");
                } catch (IllegalArgumentException e) {
                    throw fail(path, e.getMessage());
                }
            }
            return out;
        }

        LengthBudget budget(JsonNode node) {
            String path = ROOT + "/length_budget";
            keys(node, path, BUDGET_KEYS);
            if (!node.has("from") || !node.has("to")) {
                throw fail(path, "needs both 'from' (tokens at the first step) and 'to' (tokens at the last step)");
            }
            int from = integer(node.get("from"), path + "/from", 1);
            int to = integer(node.get("to"), path + "/to", 1);
            if (to > from) {
                throw fail(path, "the budget shrinks: 'to' (" + to + ") must not exceed 'from' (" + from + ")");
            }
            return new LengthBudget(from, to);
        }

        Curriculum stages(JsonNode node, String sampler) {
            String path = ROOT + "/stages";
            if (node == null || node.isNull()) {
                return Curriculum.single();
            }
            if (!node.isArray() || node.isEmpty()) {
                throw fail(path, "must be a list of stages, each {name: ..., filter: ..., advance: ...}; got " + node);
            }
            List<Stage> stages = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < node.size(); i++) {
                Stage stage = stage(node.get(i), path + "/" + i, i == node.size() - 1, sampler);
                if (!names.add(stage.name())) {
                    throw fail(path + "/" + i + "/name", "stage name '" + stage.name() + "' is used twice");
                }
                stages.add(stage);
            }
            return new Curriculum(stages);
        }

        Stage stage(JsonNode node, String path, boolean last, String sampler) {
            keys(node, path, STAGE_KEYS);
            String name = text(node.get("name"), path + "/name");
            Map<String, List<String>> filter = node.has("filter") ? filter(node.get("filter"), path + "/filter") : Map.of();
            WeightRule weights = null;
            if (node.has("weights") && !node.get("weights").isNull()) {
                if (BuiltinSamplers.IGNORE_WEIGHTS.contains(sampler)) {
                    throw fail(path + "/weights", "sampler '" + sampler + "' ignores stage weights; "
                            + "use sampler: staged or variance_aware, or leave weights out");
                }
                weights = weights(node.get("weights"), path + "/weights");
            }
            Integer maxNewTokens = node.has("max_new_tokens")
                    ? integer(node.get("max_new_tokens"), path + "/max_new_tokens", 1) : null;
            Advance advance;
            if (node.has("advance")) {
                if (last) {
                    throw fail(path + "/advance", "the last stage has no stage to advance to; remove its advance");
                }
                advance = advance(node.get("advance"), path + "/advance");
            } else if (last) {
                advance = new Advance.Never();
            } else {
                throw fail(path, "stage '" + name + "' is not the last, so it needs advance: {after_steps: N} or "
                        + "{metric: accuracy, above: X, window: W}; without one the stages after it are never reached");
            }
            return new Stage(name, filter, weights, maxNewTokens, advance);
        }

        Map<String, List<String>> filter(JsonNode node, String path) {
            if (!node.isObject()) {
                throw fail(path, "must be a mapping of metadata field to allowed values, such as {level: [\"1\", \"2\"]}; got " + node);
            }
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = path + "/" + e.getKey();
                List<String> values = new ArrayList<>();
                if (e.getValue().isArray()) {
                    for (int i = 0; i < e.getValue().size(); i++) {
                        values.add(scalar(e.getValue().get(i), at + "/" + i));
                    }
                } else {
                    values.add(scalar(e.getValue(), at));
                }
                if (values.isEmpty()) {
                    throw fail(at, "an empty list allows no prompt; list the allowed values or leave the field out");
                }
                out.put(e.getKey(), values);
            }
            return out;
        }

        String scalar(JsonNode node, String path) {
            if (node == null || !node.isValueNode() || node.isNull()) {
                throw fail(path, "must be a value (text or number); got " + node);
            }
            return node.asText();
        }

        WeightRule weights(JsonNode node, String path) {
            keys(node, path, WEIGHT_KEYS);
            String field = text(node.get("field"), path + "/field");
            JsonNode values = node.get("values");
            if (values == null || !values.isObject()) {
                throw fail(path + "/values", "must be a mapping of field value to weight, such as {\"2\": 2.0}; got " + values);
            }
            Map<String, Double> byValue = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                byValue.put(e.getKey(), positive(e.getValue(), path + "/values/" + e.getKey()));
            }
            double otherwise = node.has("otherwise") ? positive(node.get("otherwise"), path + "/otherwise") : 1.0;
            return new WeightRule(field, byValue, otherwise);
        }

        double positive(JsonNode node, String path) {
            double w = number(node, path);
            if (!(w > 0)) {
                throw fail(path, "a weight must be positive; got " + node + " (to leave prompts out, use the filter)");
            }
            return w;
        }

        Advance advance(JsonNode node, String path) {
            keys(node, path, ADVANCE_KEYS);
            boolean steps = node.has("after_steps");
            boolean metric = node.has("metric");
            if (steps == metric) {
                throw fail(path, "needs exactly one of after_steps: N or metric: " + String.join("|", Advance.METRICS)
                        + " (with above or below, and window)");
            }
            if (steps) {
                for (String k : List.of("above", "below", "window")) {
                    if (node.has(k)) {
                        throw fail(path + "/" + k, "'" + k + "' belongs to a metric rule, not to after_steps");
                    }
                }
                return new Advance.AfterSteps(integer(node.get("after_steps"), path + "/after_steps", 1));
            }
            String name = text(node.get("metric"), path + "/metric");
            if (!Advance.METRICS.contains(name)) {
                throw fail(path + "/metric", "unknown metric '" + name + "'; known: " + String.join(", ", Advance.METRICS));
            }
            if (node.has("above") == node.has("below")) {
                throw fail(path, "a metric rule needs exactly one of above: X or below: X");
            }
            boolean above = node.has("above");
            double threshold = number(node.get(above ? "above" : "below"), path + (above ? "/above" : "/below"));
            int window = node.has("window") ? integer(node.get("window"), path + "/window", 1) : DEFAULT_WINDOW;
            return new Advance.OnMetric(name, above, threshold, window);
        }
    }
}
