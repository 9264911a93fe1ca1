package org.grpowb.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.core.curriculum.CurriculumConfig;
import org.grpowb.core.project.JsonlLines;
import org.grpowb.core.project.ProjectException;

/**
 * Builds the payloads of live edits, as the CLI's {@code grpowb steer} and the window submit them to a running run
 * (the run applies them at its next step boundary: see {@link Steering}). What can be checked without the run — the
 * shape of a hints file, a curriculum section that parses — is checked here, so a typo is reported at once, naming
 * the file and line; what depends on the run (a problem id, a stage's prompts) is checked when it is applied.
 */
public final class Edits {

    /** The edit kinds, as stored. */
    public static final String SET = "set";
    public static final String HINTS = "hints";
    public static final String CURRICULUM = "curriculum";
    /**
     * Reloads the project's plugins at the next step boundary: a replaced plugin file's new (trusted) bytes score
     * from then on, under the same reward names and weights. Payload {@code {}}.
     */
    public static final String PLUGINS = "plugins";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Edits() {
    }

    /** The keys a {@code set} edit may change. */
    public static List<String> editableKeys() {
        return Steering.EDITABLE;
    }

    /**
     * {@code key=value}: the value read as JSON when it is JSON (a number, true, a list), else as text.
     *
     * @throws IllegalArgumentException for a missing {@code =}
     */
    public static ObjectNode set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--set wants key=value, got '" + assignment + "'; editable keys: "
                    + editableKeys());
        }
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1).trim();
        JsonNode value;
        try {
            value = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            value = null;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("key", key);
        out.set("value", value == null || value.isMissingNode() ? TextNode.valueOf(raw) : value);
        return out;
    }

    /** A {@code set} payload for one key and value. */
    public static ObjectNode set(String key, JsonNode value) {
        ObjectNode out = JSON.createObjectNode();
        out.put("key", key);
        out.set("value", value);
        return out;
    }

    /**
     * A hints file (JSONL: {@code {"id": "...", "hints": ["...", ...]}} per line) as a {@code hints} payload.
     *
     * @throws ProjectException naming the file, line and field of a bad line
     */
    public static ObjectNode hintsFile(Path file) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode byId = out.putObject("hints");
        JsonlLines.read(file, (n, line) -> {
            if (!line.path("id").isTextual()) {
                throw new ProjectException(file, n, "id", "missing or not text");
            }
            JsonNode hints = line.get("hints");
            if (hints == null || !hints.isArray()) {
                throw new ProjectException(file, n, "hints", "missing or not a list");
            }
            for (JsonNode h : hints) {
                if (!h.isTextual() || h.asText().isBlank()) {
                    throw new ProjectException(file, n, "hints", "every hint is non-blank text");
                }
            }
            byId.set(line.get("id").asText(), hints);
        });
        return out;
    }

    /**
     * A curriculum file (YAML or JSON: the section itself, or a document with a {@code curriculum:} key) as a
     * {@code curriculum} payload, parsed once here so that a bad stage is reported with the file.
     */
    public static ObjectNode curriculumFile(Path file) throws IOException {
        JsonNode doc = YAML.readTree(file.toFile());
        if (doc != null && doc.has("curriculum")) {
            doc = doc.get("curriculum");
        }
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException(file + ": a curriculum section (sampler, stages, ...) is expected");
        }
        CurriculumConfig.parse(doc, file.toString());
        return (ObjectNode) doc;
    }
}
