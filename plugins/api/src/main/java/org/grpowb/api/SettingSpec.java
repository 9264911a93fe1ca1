package org.grpowb.api;

import java.util.List;
import java.util.Objects;

/**
 * One declared setting of a plugin: its name in {@code project.yaml}, what it means, its default and its bounds.
 * The same declaration validates the project file, fills CLI defaults and is stored with each run's config.
 */
public record SettingSpec(String name, String description, Kind kind, Object defaultValue, double min, double max,
                          List<String> choices) {

    public enum Kind { NUMBER, INTEGER, CHOICE, FLAG, TEXT }

    public SettingSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        choices = List.copyOf(choices == null ? List.of() : choices);
    }

    public static SettingSpec number(String name, String description, double defaultValue, double min, double max) {
        return new SettingSpec(name, description, Kind.NUMBER, defaultValue, min, max, List.of());
    }

    public static SettingSpec integer(String name, String description, int defaultValue, int min, int max) {
        return new SettingSpec(name, description, Kind.INTEGER, defaultValue, min, max, List.of());
    }

    public static SettingSpec choice(String name, String description, String defaultValue, String... choices) {
        return new SettingSpec(name, description, Kind.CHOICE, defaultValue, 0, 0, List.of(choices));
    }

    public static SettingSpec flag(String name, String description, boolean defaultValue) {
        return new SettingSpec(name, description, Kind.FLAG, defaultValue, 0, 0, List.of());
    }

    /** Free text, such as a system prompt or a list of names; the empty string when not given. */
    public static SettingSpec text(String name, String description, String defaultValue) {
        return new SettingSpec(name, description, Kind.TEXT, defaultValue, 0, 0, List.of());
    }

    /**
     * Checks and normalises a given value (from YAML, JSON or a CLI flag).
     *
     * @throws IllegalArgumentException naming this setting, the value and what was expected
     */
    public Object coerce(Object value) {
        switch (kind) {
            case NUMBER, INTEGER -> {
                double d;
                if (value instanceof Number n) {
                    d = n.doubleValue();
                } else {
                    try {
                        d = Double.parseDouble(String.valueOf(value).trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("'" + name + "' must be a number, got '" + value + "'");
                    }
                }
                if (Double.isNaN(d) || d < min || d > max) {
                    throw new IllegalArgumentException("'" + name + "' must be in [" + fmt(min) + ", " + fmt(max) + "], got " + value);
                }
                if (kind == Kind.INTEGER) {
                    if (d != Math.rint(d)) {
                        throw new IllegalArgumentException("'" + name + "' must be a whole number, got " + value);
                    }
                    return (int) d;
                }
                return d;
            }
            case CHOICE -> {
                String s = String.valueOf(value).trim();
                if (!choices.contains(s)) {
                    throw new IllegalArgumentException("'" + name + "' must be one of " + choices + ", got '" + value + "'");
                }
                return s;
            }
            case FLAG -> {
                if (value instanceof Boolean b) {
                    return b;
                }
                String s = String.valueOf(value).trim().toLowerCase(java.util.Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.parseBoolean(s);
                }
                throw new IllegalArgumentException("'" + name + "' must be true or false, got '" + value + "'");
            }
            case TEXT -> {
                if (value == null) {
                    return "";
                }
                if (!(value instanceof CharSequence || value instanceof Number || value instanceof Boolean)) {
                    throw new IllegalArgumentException("'" + name + "' must be text, got '" + value + "'");
                }
                return value.toString();
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
