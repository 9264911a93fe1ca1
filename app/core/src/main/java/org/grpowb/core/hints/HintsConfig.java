package org.grpowb.core.hints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * The {@code hints:} section of {@code project.yaml}:
 * <pre>
 * hints:
 *   policy: scaf_grpo        # none (default) or scaf_grpo
 *   settings: {warmup_steps: 10, escalate_after: 2, replace_one_rollout: false}
 *   file: hints.jsonl        # optional, relative to the project folder
 *   template: "Hint: {hints}\n{prompt}"   # optional
 * </pre>
 *
 * @param policy   a hint policy's name: a built-in one ({@link BuiltinHintPolicies}) or a plugin's
 * @param settings the policy's settings resolved against its declarations: every declared one, defaults filled in
 * @param file     the project-level hints file ({@link HintBook#withFile}), absolute; null when none
 * @param template how a tier is written into the prompt ({@link HintedPrompt})
 */
public record HintsConfig(String policy, Map<String, Object> settings, Path file, String template) {

    /** Where the section sits in {@code project.yaml}. */
    public static final String SECTION = "/hints";

    /** The section's keys. */
    public static final List<String> KEYS = List.of("file", "policy", "settings", "template");

    /** No hints: what a project without the section gets. */
    public static final HintsConfig NONE = new HintsConfig(NoHints.NAME, Map.of(), null,
            HintedPrompt.DEFAULT_TEMPLATE);

    private static final ObjectMapper JSON = new ObjectMapper();

    public HintsConfig {
        Objects.requireNonNull(policy, "policy");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        HintedPrompt.checkTemplate(template);
    }

    /**
     * Reads the section.
     *
     * @param node       the {@code hints} value; null, missing or null for none ({@link #NONE})
     * @param projectDir the folder {@code file} is relative to
     * @param where      the document, for messages, e.g. {@code project.yaml}
     * @throws HintsConfigException naming {@code where}, the JSON pointer of the bad value and the problem: an
     *                              unknown key, policy or setting, a bad setting value, a missing file, a template
     *                              without both placeholders
     */
    public static HintsConfig parse(JsonNode node, Path projectDir, String where) {
        return parse(node, projectDir, where, BuiltinHintPolicies::byName);
    }

    /**
     * Reads a {@code hints:} section whose policy may also be a plugin's.
     *
     * @param policies a fresh policy by name, throwing {@link IllegalArgumentException} for a name there is none of
     * @see #parse(JsonNode, Path, String)
     */
    public static HintsConfig parse(JsonNode node, Path projectDir, String where,
                                    Function<String, HintPolicy> policies) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw new HintsConfigException(where, SECTION, "must be a mapping, got " + node.getNodeType());
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new HintsConfigException(where, SECTION + "/" + k, "unknown key; known: " + KEYS);
            }
        }
        String policyName = NoHints.NAME;
        if (node.hasNonNull("policy")) {
            policyName = text(node.get("policy"), where, "policy");
        }
        HintPolicy policy;
        try {
            policy = policies.apply(policyName);
        } catch (IllegalArgumentException e) {
            throw new HintsConfigException(where, SECTION + "/policy", e.getMessage());
        }
        Map<String, Object> settings = settings(policy.settings(), node.get("settings"), where);
        Path file = null;
        if (node.hasNonNull("file")) {
            String given = text(node.get("file"), where, "file");
            file = projectDir.resolve(given).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new HintsConfigException(where, SECTION + "/file", "no such file: " + file);
            }
        }
        String template = HintedPrompt.DEFAULT_TEMPLATE;
        if (node.hasNonNull("template")) {
            template = text(node.get("template"), where, "template");
            try {
                HintedPrompt.checkTemplate(template);
            } catch (IllegalArgumentException e) {
                throw new HintsConfigException(where, SECTION + "/template", e.getMessage());
            }
        }
        return new HintsConfig(policyName, settings, file, template);
    }

    /** The section as {@link #parse} reads it back, with every setting spelled out: for the edit log and run config. */
    public ObjectNode toJson() {
        ObjectNode out = JSON.createObjectNode();
        out.put("policy", policy);
        out.set("settings", JSON.valueToTree(settings));
        if (file != null) {
            out.put("file", file.toString());
        }
        out.put("template", template);
        return out;
    }

    /** A fresh instance of the policy, configured with these settings. */
    public HintPolicy newPolicy() {
        return newPolicy(BuiltinHintPolicies::byName);
    }

    /** A fresh instance of the policy, found among {@code policies}, configured with these settings. */
    public HintPolicy newPolicy(Function<String, HintPolicy> policies) {
        HintPolicy p = policies.apply(policy);
        p.configure(Settings.resolve(p.settings(), settings, "hints.settings"));
        return p;
    }

    /** Resolves the settings one by one, so that an error points at the offending setting. */
    private static Map<String, Object> settings(List<SettingSpec> specs, JsonNode node, String where) {
        Map<String, Object> raw = new LinkedHashMap<>();
        if (node != null && !node.isNull()) {
            if (!node.isObject()) {
                throw new HintsConfigException(where, SECTION + "/settings", "must be a mapping, got "
                        + node.getNodeType());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String pointer = SECTION + "/settings/" + e.getKey();
                List<SettingSpec> spec = specs.stream().filter(s -> s.name().equals(e.getKey())).toList();
                if (spec.isEmpty()) {
                    throw new HintsConfigException(where, pointer, "unknown setting; known: "
                            + new TreeSet<>(specs.stream().map(SettingSpec::name).toList()));
                }
                JsonNode v = e.getValue();
                Object value = v.isNumber() ? v.numberValue() : v.isBoolean() ? (Object) v.booleanValue() : v.asText();
                try {
                    raw.put(e.getKey(), spec.get(0).coerce(value));
                } catch (IllegalArgumentException ex) {
                    throw new HintsConfigException(where, pointer, ex.getMessage());
                }
            }
        }
        return Settings.resolve(specs, raw, where + ": " + SECTION + "/settings").values();
    }

    private static String text(JsonNode v, String where, String key) {
        if (!v.isTextual()) {
            throw new HintsConfigException(where, SECTION + "/" + key, "must be a string, got " + v.getNodeType());
        }
        if (v.asText().isBlank()) {
            throw new HintsConfigException(where, SECTION + "/" + key, "is empty");
        }
        return v.asText();
    }
}
