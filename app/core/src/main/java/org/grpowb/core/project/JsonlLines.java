package org.grpowb.core.project;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a JSONL file one object per line, the way every data-like file of a project is read (data splits, hints
 * files): blank lines are skipped, and a line that is not JSON or not an object stops the read with a
 * {@link ProjectException} naming the file and the line.
 */
public final class JsonlLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What is done with each object; it may throw a {@link ProjectException} naming the line and a field. */
    @FunctionalInterface
    public interface Visitor {
        void line(int number, JsonNode object);
    }

    private JsonlLines() {
    }

    /** Calls {@code visitor} with each non-blank line's object, in file order, with its 1-based line number. */
    public static void read(Path file, Visitor visitor) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new ProjectException(file, n, null, "not valid JSON: " + e.getOriginalMessage());
                }
                if (!node.isObject()) {
                    throw new ProjectException(file, n, null, "expected a JSON object, got " + node.getNodeType());
                }
                visitor.line(n, node);
            }
        } catch (IOException e) {
            throw new ProjectException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
    }
}
