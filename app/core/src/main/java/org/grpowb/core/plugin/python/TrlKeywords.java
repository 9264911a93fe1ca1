package org.grpowb.core.plugin.python;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.grpowb.api.Example;

/**
 * The keyword arguments TRL gives a reward function besides {@code completions}: {@code prompts}, then every column
 * of the examples as a list with one entry per completion. Ours are {@code answer}, {@code id} and each of
 * {@link Example#fields()} under its own name, its value the data line's text as kept (a {@code difficulty} of 3
 * arrives as {@code "3"}); an example without a field another has gives {@code None} there.
 */
final class TrlKeywords {

    /** Names the example's own parts take; a data column of the same name cannot override them. */
    static final Set<String> RESERVED = Set.of("completions", "prompts", "prompt", "answer", "id");

    private TrlKeywords() {
    }

    static Map<String, List<String>> of(List<Example> examples) {
        Map<String, List<String>> kwargs = new LinkedHashMap<>();
        kwargs.put("prompts", examples.stream().map(Example::prompt).toList());
        kwargs.put("answer", examples.stream().map(Example::answer).toList());
        kwargs.put("id", examples.stream().map(Example::id).toList());
        Set<String> fields = new TreeSet<>();
        examples.forEach(e -> fields.addAll(e.fields().keySet()));
        fields.removeAll(RESERVED);
        for (String field : fields) {
            List<String> column = new ArrayList<>(examples.size());
            examples.forEach(e -> column.add(e.fields().get(field)));
            kwargs.put(field, column);
        }
        return kwargs;
    }
}
