package org.grpowb.core.project;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one setting on the record component that holds it: the component's name in snake_case is the setting's
 * name in {@code project.yaml}, its type the kind (int and long: integer, double: number, boolean: flag, String: a
 * choice when {@link #choices} are given, else text). This one declaration is the whole of a setting: {@link Knobs}
 * derives the {@link org.grpowb.api.SettingSpec} the loader validates with and reads the resolved value back into the
 * record, so adding a setting is adding a component.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Knob {

    /** What it means, for {@code --help}, the run-config form and the stored config. */
    String doc();

    /** The default, as text: {@code "8"}, {@code "1e-4"}, {@code "true"}, {@code "pass_rate"}. */
    String value();

    /** Lower bound of a number or integer. */
    double min() default Double.NEGATIVE_INFINITY;

    /** Upper bound of a number or integer. */
    double max() default Double.POSITIVE_INFINITY;

    /** The allowed values of a choice. */
    String[] choices() default {};
}
