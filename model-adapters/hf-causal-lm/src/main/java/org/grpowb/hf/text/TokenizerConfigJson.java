package org.grpowb.hf.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this package reads from a model folder's {@code tokenizer_config.json}: the named special tokens, the added
 * tokens by id ({@code added_tokens_decoder}) and the chat templates. A folder without the file reads as empty.
 *
 * @param file          the file read, for error messages
 * @param specialTokens transformers' {@code special_tokens_map}: {@code bos_token}, {@code eos_token}, ... as strings
 *                      (absent when null), {@code additional_special_tokens} as a list of strings; these are the
 *                      variables a chat template sees besides the messages
 * @param addedTokens   {@code added_tokens_decoder}: id to content
 * @param chatTemplates {@code chat_template} by name: a plain string is named {@code default}
 */
record TokenizerConfigJson(Path file, Map<String, Object> specialTokens, Map<Integer, String> addedTokens,
                           Map<String, String> chatTemplates) {

    static final String FILE_NAME = "tokenizer_config.json";
    /** The name a single {@code chat_template} string gets. */
    static final String DEFAULT_TEMPLATE = "default";
    private static final List<String> SPECIAL_TOKEN_KEYS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token");

    static TokenizerConfigJson read(Path modelDir) throws IOException {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new TokenizerConfigJson(file, Map.of(), Map.of(), Map.of());
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        Map<String, Object> special = new LinkedHashMap<>();
        for (String key : SPECIAL_TOKEN_KEYS) {
            String token = tokenContent(file, key, root.get(key));
            if (token != null) {
                special.put(key, token);
            }
        }
        JsonNode extra = root.get("additional_special_tokens");
        if (extra != null && extra.isArray() && !extra.isEmpty()) {
            List<String> tokens = new ArrayList<>();
            for (JsonNode t : extra) {
                tokens.add(tokenContent(file, "additional_special_tokens", t));
            }
            special.put("additional_special_tokens", List.copyOf(tokens));
        }
        Map<Integer, String> added = new TreeMap<>();
        JsonNode decoder = root.get("added_tokens_decoder");
        if (decoder != null && decoder.isObject()) {
            for (Map.Entry<String, JsonNode> e : decoder.properties()) {
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new IOException(file + ": added_tokens_decoder key \"" + e.getKey() + "\" is not a token id");
                }
                added.put(id, tokenContent(file, "added_tokens_decoder." + id, e.getValue()));
            }
        }
        return new TokenizerConfigJson(file, Collections.unmodifiableMap(special), Collections.unmodifiableMap(added),
                chatTemplates(file, root.get("chat_template")));
    }

    /** A named special token: {@code "<s>"}, or an AddedToken object {@code {"content": "<s>", ...}}, or null. */
    private static String tokenContent(Path file, String key, JsonNode value) throws IOException {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isObject() && value.path("content").isTextual()) {
            return value.get("content").asText();
        }
        throw new IOException(file + ": " + key + " is neither a string nor an object with a \"content\" string");
    }

    /**
     * {@code chat_template} is a string, or (transformers' named templates) a list of {@code {name, template}}; see
     * {@code PreTrainedTokenizerBase.get_chat_template}, which uses "default" unless another name is asked for.
     */
    private static Map<String, String> chatTemplates(Path file, JsonNode node) throws IOException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (node.isTextual()) {
            return Map.of(DEFAULT_TEMPLATE, node.asText());
        }
        if (node.isArray()) {
            Map<String, String> templates = new LinkedHashMap<>();
            for (JsonNode t : node) {
                if (!t.path("name").isTextual() || !t.path("template").isTextual()) {
                    throw new IOException(file + ": chat_template list entries need a string \"name\" and "
                            + "\"template\"");
                }
                templates.put(t.get("name").asText(), t.get("template").asText());
            }
            return Collections.unmodifiableMap(templates);
        }
        throw new IOException(file + ": chat_template is neither a string nor a list of {name, template}");
    }

    String token(String key) {
        return (String) specialTokens.get(key);
    }
}
