package org.grpowb.core.project;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * Reads {@link Knob}-annotated records: their {@link SettingSpec}s, and an instance from resolved {@link Settings}.
 */
public final class Knobs {

    private Knobs() {
    }

    /** The declared settings of {@code group}, in component order. */
    public static List<SettingSpec> specs(Class<? extends Record> group) {
        List<SettingSpec> out = new ArrayList<>();
        for (RecordComponent c : group.getRecordComponents()) {
            out.add(spec(group, c));
        }
        return out;
    }

    /** An instance of {@code group} holding the resolved values of its settings. */
    public static <R extends Record> R read(Class<R> group, Settings settings) {
        RecordComponent[] cs = group.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            String name = snake(cs[i].getName());
            Class<?> t = cs[i].getType();
            types[i] = t;
            if (t == int.class) {
                args[i] = settings.integer(name);
            } else if (t == long.class) {
                args[i] = (long) settings.number(name);
            } else if (t == double.class) {
                args[i] = settings.number(name);
            } else if (t == boolean.class) {
                args[i] = settings.flag(name);
            } else {
                args[i] = settings.text(name);
            }
        }
        try {
            Constructor<R> ctor = group.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + group.getSimpleName() + " from its settings", e);
        }
    }

    /** {@code learningRate} → {@code learning_rate}. */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static SettingSpec spec(Class<?> group, RecordComponent c) {
        Knob k = c.getAnnotation(Knob.class);
        String name = snake(c.getName());
        if (k == null) {
            throw new IllegalStateException(group.getSimpleName() + "." + c.getName() + " has no @Knob");
        }
        Class<?> t = c.getType();
        if (t == int.class || t == long.class) {
            return new SettingSpec(name, k.doc(), SettingSpec.Kind.INTEGER, (int) Double.parseDouble(k.value()),
                    bound(k.min(), Integer.MIN_VALUE), bound(k.max(), Integer.MAX_VALUE), List.of());
        }
        if (t == double.class) {
            return SettingSpec.number(name, k.doc(), Double.parseDouble(k.value()), k.min(), k.max());
        }
        if (t == boolean.class) {
            return SettingSpec.flag(name, k.doc(), Boolean.parseBoolean(k.value()));
        }
        if (t == String.class) {
            return k.choices().length > 0 ? SettingSpec.choice(name, k.doc(), k.value(), k.choices())
                    : SettingSpec.text(name, k.doc(), k.value());
        }
        throw new IllegalStateException(group.getSimpleName() + "." + c.getName() + ": a setting is int, long, double, "
                + "boolean or String, not " + t.getSimpleName());
    }

    private static double bound(double declared, double typeLimit) {
        return Double.isInfinite(declared) ? typeLimit : declared;
    }
}
