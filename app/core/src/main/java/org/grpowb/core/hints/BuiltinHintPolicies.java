package org.grpowb.core.hints;

import java.util.List;
import java.util.function.Supplier;
import org.grpowb.api.HintPolicy;

/** The hint policies that ship with the workbench, each as a fresh instance (a policy keeps its configured settings). */
public final class BuiltinHintPolicies {

    private static final List<Supplier<HintPolicy>> ALL = List.of(NoHints::new, ScafGrpoHints::new);

    private BuiltinHintPolicies() {
    }

    /** One fresh instance of each, {@code none} first. */
    public static List<HintPolicy> all() {
        return ALL.stream().map(Supplier::get).toList();
    }

    /** Their names, in {@link #all()}'s order. */
    public static List<String> names() {
        return all().stream().map(HintPolicy::name).toList();
    }

    /**
     * A fresh instance of the named policy.
     *
     * @throws IllegalArgumentException naming the known policies when there is none by that name
     */
    public static HintPolicy byName(String name) {
        for (HintPolicy p : all()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown hint policy '" + name + "'; known: " + names());
    }
}
