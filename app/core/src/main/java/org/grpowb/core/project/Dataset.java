package org.grpowb.core.project;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grpowb.api.Example;

/**
 * A project's examples, split into train and held-out eval.
 *
 * <p>Each JSONL line is an object with {@code prompt} and {@code answer} (strings), an optional {@code id} (defaults
 * to {@code file:line}), an optional {@code split} ({@code train} or {@code eval}) and any further fields.
 */
public record Dataset(List<Example> train, List<Example> eval) {


    public Dataset {
        train = List.copyOf(train);
        eval = List.copyOf(eval);
    }

    /**
     * Reads one JSONL file; lines without a {@code split} field go to {@code defaultSplit}.
     *
     * @throws ProjectException naming the file, line and field of the first bad line
     */
    public static List<Example> readJsonl(Path file, String defaultSplit, String wantedSplit) {
        List<Example> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonlLines.read(file, (n, node) -> {
            String prompt = requireText(file, n, node, "prompt");
            String answer = requireText(file, n, node, "answer");
            String id = node.has("id") ? requireText(file, n, node, "id") : file.getFileName() + ":" + n;
            String split = node.has("split") ? requireText(file, n, node, "split") : defaultSplit;
            if (!split.equals("train") && !split.equals("eval")) {
                throw new ProjectException(file, n, "split", "must be 'train' or 'eval', got '" + split + "'");
            }
            if (!ids.add(id)) {
                throw new ProjectException(file, n, "id", "duplicate id '" + id + "'");
            }
            if (!split.equals(wantedSplit)) {
                return;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!Set.of("id", "prompt", "answer", "split").contains(e.getKey())) {
                    fields.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
                }
            }
            out.add(new Example(id, prompt, answer, fields));
        });
        return out;
    }

    private static String requireText(Path file, int line, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new ProjectException(file, line, field, "is missing");
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new ProjectException(file, line, field, "must be a string, got " + v.getNodeType());
        }
        String s = v.asText();
        if (field.equals("prompt") && s.isEmpty()) {
            throw new ProjectException(file, line, field, "is empty");
        }
        return s;
    }
}
