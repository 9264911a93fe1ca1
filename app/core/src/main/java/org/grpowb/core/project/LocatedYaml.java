package org.grpowb.core.project;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree that remembers the line of every field, so that a semantic error found
 * later ("unknown variant") can still point at its line. Jackson's tree model drops locations; this reader keeps them.
 */
final class LocatedYaml {

    private final Path file;
    private final JsonNode root;
    private final Map<String, Integer> lines;

    private LocatedYaml(Path file, JsonNode root, Map<String, Integer> lines) {
        this.file = file;
        this.root = root;
        this.lines = lines;
    }

    static LocatedYaml read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ProjectException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = new ObjectMapper(new YAMLFactory()).getFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ProjectException(file, 1, null, "the file is empty");
            }
            JsonNode root = readValue(p, "", lines);
            if (!root.isObject()) {
                throw new ProjectException(file, 1, null, "expected a mapping of settings at the top level");
            }
            return new LocatedYaml(file, root, lines);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ProjectException(file, line, null, "not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ProjectException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode readValue(JsonParser p, String path, Map<String, Integer> lines) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path + "/" + name;
                    lines.put(child, p.currentLocation().getLineNr());
                    p.nextToken();
                    o.set(name, readValue(p, child, lines));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String child = path + "/" + i++;
                    lines.put(child, p.currentLocation().getLineNr());
                    a.add(readValue(p, child, lines));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return f.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new IOException("unexpected YAML token " + p.currentToken());
        }
    }

    JsonNode root() {
        return root;
    }

    Path file() {
        return file;
    }

    /** Line of the field at a JSON-pointer-like path ({@code /variant/name}), or of its nearest ancestor. */
    int line(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
        return 0;
    }

    /** An error located at a field path; the field is shown dotted ({@code variant.name}). */
    ProjectException error(String path, String problem) {
        String field = path.replaceFirst("^/", "").replace('/', '.');
        return new ProjectException(file, line(path), field, problem);
    }
}
