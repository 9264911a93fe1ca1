package org.grpowb.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolved values of a plugin's declared settings: every declared name is present, every value within bounds.
 *
 * @param values setting name to value (Double, Integer, String or Boolean; a choice and a text are Strings), in declaration order
 */
public record Settings(Map<String, Object> values) {

    public Settings {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Settings empty() {
        return new Settings(Map.of());
    }

    /**
     * Resolves given values against declarations: defaults fill gaps, bad values and unknown names are refused.
     *
     * @param where prefix for error messages, e.g. {@code "project.yaml: variant.settings"}
     * @throws IllegalArgumentException naming {@code where}, the setting and the problem
     */
    public static Settings resolve(List<SettingSpec> specs, Map<String, ?> given, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        Set<String> known = new TreeSet<>();
        for (SettingSpec spec : specs) {
            known.add(spec.name());
        }
        List<String> unknown = new ArrayList<>();
        if (given != null) {
            for (String k : given.keySet()) {
                if (!known.contains(k)) {
                    unknown.add(k);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(where + ": unknown setting(s) " + unknown + "; known: " + known);
        }
        for (SettingSpec spec : specs) {
            Object raw = given != null && given.containsKey(spec.name()) ? given.get(spec.name()) : spec.defaultValue();
            try {
                out.put(spec.name(), spec.coerce(raw));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return new Settings(out);
    }

    public double number(String name) {
        return ((Number) require(name)).doubleValue();
    }

    public int integer(String name) {
        return ((Number) require(name)).intValue();
    }

    public String choice(String name) {
        return (String) require(name);
    }

    public boolean flag(String name) {
        return (Boolean) require(name);
    }

    public String text(String name) {
        return (String) require(name);
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no setting '" + name + "'; have " + values.keySet());
        }
        return v;
    }
}
