package org.grpowb.core.hints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.grpowb.api.Example;
import org.grpowb.core.project.JsonlLines;
import org.grpowb.core.project.ProjectException;

/**
 * The tiered hints of each problem (Scaf-GRPO: a concept, then a strategy, then a first step), tier 1 first.
 *
 * <p>Two sources, the second winning for the ids it names: the data line's {@value #FIELD} field (a JSON array of
 * strings, which {@code Dataset} hands over as its JSON text) and an optional project-level hints file, one
 * {@code {"id": "...", "hints": ["...", ...]}} per line. Keeping the file's entries apart from the data's lets an
 * edit made in the workbench be saved ({@link #writeFile}) without rewriting the data, and an empty list in the file
 * takes a data line's hints away.
 *
 * @param ids       every id of the data, the only ids a hint may be given for
 * @param fromData  hints from the data lines' {@value #FIELD} field, by id (ids without any are absent)
 * @param overrides hints from the hints file and from live edits, by id; they replace {@code fromData}'s
 */
public record HintBook(Set<String> ids, Map<String, List<String>> fromData, Map<String, List<String>> overrides) {

    /** The field holding the hints, on a data line and on a hints-file line. */
    public static final String FIELD = "hints";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FILE_KEYS = Set.of("id", FIELD);

    public HintBook {
        ids = Collections.unmodifiableSet(new LinkedHashSet<>(ids));
        fromData = copy(fromData);
        overrides = copy(overrides);
        for (String id : overrides.keySet()) {
            requireKnown(ids, id);
        }
    }

    /** A book with no problems. */
    public static HintBook empty() {
        return new HintBook(Set.of(), Map.of(), Map.of());
    }

    /**
     * The hints of the data lines themselves.
     *
     * @throws IllegalArgumentException naming the example's id when its {@value #FIELD} is not a JSON array of
     *                                  non-blank strings
     */
    public static HintBook of(List<Example> examples) {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, List<String>> fromData = new LinkedHashMap<>();
        for (Example e : examples) {
            ids.add(e.id());
            String text = e.fields().get(FIELD);
            if (text == null) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException ex) {
                throw new IllegalArgumentException("example '" + e.id() + "': field '" + FIELD
                        + "': must be a JSON array of strings, got '" + text + "'", ex);
            }
            String problem = problemWith(node);
            if (problem != null) {
                throw new IllegalArgumentException("example '" + e.id() + "': field '" + FIELD + "': " + problem);
            }
            fromData.put(e.id(), strings(node));
        }
        return new HintBook(ids, fromData, Map.of());
    }

    /**
     * This book with a hints file's entries over the data's.
     *
     * @throws ProjectException naming the file, the line and the field of the first bad line: not JSON, not an
     *                          object, a missing or unknown id, hints that are not an array of non-blank strings, an
     *                          id given twice or an unknown field
     */
    public HintBook withFile(Path file) {
        Map<String, List<String>> next = new LinkedHashMap<>(overrides);
        Map<String, Integer> lineOf = new HashMap<>();
        JsonlLines.read(file, (n, node) -> {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!FILE_KEYS.contains(k)) {
                    throw new ProjectException(file, n, k, "unknown field; known: [hints, id]");
                }
            }
            JsonNode idNode = node.get("id");
            if (idNode == null || idNode.isNull()) {
                throw new ProjectException(file, n, "id", "is missing");
            }
            if (!idNode.isTextual() && !idNode.isNumber()) {
                throw new ProjectException(file, n, "id", "must be a string, got " + idNode.getNodeType());
            }
            String id = idNode.asText();
            if (!ids.contains(id)) {
                throw new ProjectException(file, n, "id", "'" + id + "' is not an id of the data");
            }
            Integer first = lineOf.putIfAbsent(id, n);
            if (first != null) {
                throw new ProjectException(file, n, "id", "'" + id + "' already given on line " + first);
            }
            JsonNode hints = node.get(FIELD);
            if (hints == null || hints.isNull()) {
                throw new ProjectException(file, n, FIELD, "is missing");
            }
            String problem = problemWith(hints);
            if (problem != null) {
                throw new ProjectException(file, n, FIELD, problem);
            }
            next.put(id, strings(hints));
        });
        return new HintBook(ids, fromData, next);
    }

    /** Hints the problem has: its highest tier, 0 when it has none (and for an id this book does not know). */
    public int tiers(String id) {
        return hints(id).size();
    }

    /** The problem's hints, tier 1 first; empty when it has none (and for an id this book does not know). */
    public List<String> hints(String id) {
        List<String> h = overrides.get(id);
        if (h != null) {
            return h;
        }
        return fromData.getOrDefault(id, List.of());
    }

    /**
     * This book with one problem's hints replaced (a live edit); {@link #writeFile} saves it.
     *
     * @throws IllegalArgumentException for an id not in the data or a blank hint
     */
    public HintBook withHints(String id, List<String> hints) {
        return withAll(Map.of(id, hints));
    }

    /** {@link #withHints} for several problems at once. */
    public HintBook withAll(Map<String, List<String>> hints) {
        Map<String, List<String>> next = new LinkedHashMap<>(overrides);
        for (Map.Entry<String, List<String>> e : hints.entrySet()) {
            requireKnown(ids, e.getKey());
            for (String h : e.getValue()) {
                if (h == null || h.isBlank()) {
                    throw new IllegalArgumentException("hints of '" + e.getKey() + "': a hint is blank");
                }
            }
            next.put(e.getKey(), e.getValue());
        }
        return new HintBook(ids, fromData, next);
    }

    /**
     * Writes the hints file's entries and the live edits ({@link #overrides}), one line per id in id order, in the
     * format {@link #withFile} reads; the data lines' own hints stay where they are.
     */
    public void writeFile(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : new TreeMap<>(overrides).entrySet()) {
            ObjectNode line = JSON.createObjectNode();
            line.put("id", e.getKey());
            ArrayNode a = line.putArray(FIELD);
            e.getValue().forEach(a::add);
            lines.add(JSON.writeValueAsString(line));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** What is wrong with a {@value #FIELD} value, or null when it is an array of non-blank strings. */
    private static String problemWith(JsonNode hints) {
        if (!hints.isArray()) {
            return "must be an array of strings, got " + hints.getNodeType();
        }
        for (int i = 0; i < hints.size(); i++) {
            JsonNode h = hints.get(i);
            if (!h.isTextual()) {
                return "must be an array of strings, item " + i + " is " + h.getNodeType();
            }
            if (h.asText().isBlank()) {
                return "item " + i + " is blank";
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(h -> out.add(h.asText()));
        return out;
    }

    private static void requireKnown(Set<String> ids, String id) {
        if (!ids.contains(id)) {
            throw new IllegalArgumentException("'" + id + "' is not an id of the data");
        }
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> m) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }
}
