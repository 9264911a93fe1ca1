package org.grpowb.hf.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The vocabulary of a {@code tokenizer.json} as the Rust tokenizers library decodes it: every id's piece (model
 * vocabulary and added tokens), which ids are special, and how a piece becomes bytes. DJL's binding does not expose
 * the vocabulary, so it is read here; encoding itself stays with the Rust code.
 *
 * @param pieces  piece of each id, null for ids nothing uses
 * @param special whether each id is an added token marked {@code "special": true}
 * @param ids     id of each piece and added token content
 * @param rule    how the decoder turns a piece into bytes
 */
record TokenizerJson(String[] pieces, boolean[] special, Map<String, Integer> ids, PieceRule rule) {

    static final String FILE_NAME = "tokenizer.json";

    /** The decoders this package can turn into per-token bytes, as {@code tokenizers/src/decoders} defines them. */
    sealed interface PieceRule {
        byte[] bytes(String piece);
    }

    /** {@code ByteLevel}: every character stands for one byte ({@link ByteLevelAlphabet}). */
    record ByteLevel() implements PieceRule {
        @Override
        public byte[] bytes(String piece) {
            byte[] b = ByteLevelAlphabet.bytesOf(piece);
            return b != null ? b : piece.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * SentencePiece-style pieces ({@code Metaspace}, or {@code Replace("▁", " ")} with {@code ByteFallback},
     * {@code Fuse}, {@code Strip}: Llama 2, Mistral): the meta-space stands for a space, and with byte fallback a
     * piece {@code <0xNN>} stands for the byte NN ({@code decoders/byte_fallback.rs}). The {@code Strip} decoder and
     * Metaspace's prepend scheme drop the space before the first piece of a decoded sequence; this rule keeps it,
     * because a completion continues its prompt and decoding must be concatenation.
     */
    record MetaSpace(char replacement, boolean byteFallback) implements PieceRule {
        @Override
        public byte[] bytes(String piece) {
            if (byteFallback && piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
                try {
                    return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
                } catch (NumberFormatException notAByte) {
                    // an ordinary piece that merely looks like one
                }
            }
            return piece.replace(replacement, ' ').getBytes(StandardCharsets.UTF_8);
        }
    }

    static TokenizerJson read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        JsonNode model = root.path("model");
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = model.get("vocab");
        if (vocab != null && vocab.isObject()) {
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                ids.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab != null && vocab.isArray()) { // Unigram: [[piece, score], ...], the id is the position
            int id = 0;
            for (JsonNode entry : vocab) {
                ids.put(entry.path(0).asText(), id++);
            }
        } else {
            throw new IOException(file + ": model.vocab is missing (model.type " + model.path("type").asText("?")
                    + ")");
        }
        Map<Integer, String> addedById = new HashMap<>();
        Map<Integer, Boolean> addedSpecial = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            int id = t.path("id").asInt(-1);
            String content = t.path("content").asText(null);
            if (id < 0 || content == null) {
                throw new IOException(file + ": added_tokens entry " + t + " needs an id and a content");
            }
            addedById.put(id, content);
            addedSpecial.put(id, t.path("special").asBoolean(false));
        }
        int size = 0;
        for (int id : ids.values()) {
            size = Math.max(size, id + 1);
        }
        for (int id : addedById.keySet()) {
            size = Math.max(size, id + 1);
        }
        String[] pieces = new String[size];
        boolean[] special = new boolean[size];
        ids.forEach((piece, id) -> pieces[id] = piece);
        addedById.forEach((id, content) -> { // the Rust decoder looks added tokens up first
            pieces[id] = content;
            special[id] = addedSpecial.get(id);
            ids.put(content, id);
        });
        return new TokenizerJson(pieces, special, Map.copyOf(ids),
                rule(file, root.get("decoder"), model.path("byte_fallback").asBoolean(false)));
    }

    private static PieceRule rule(Path file, JsonNode decoder, boolean modelByteFallback) throws IOException {
        String type = decoder == null || decoder.isNull() ? "null" : decoder.path("type").asText();
        switch (type) {
            case "ByteLevel":
                return new ByteLevel();
            case "Metaspace":
                return new MetaSpace(decoder.path("replacement").asText("\u2581").charAt(0), modelByteFallback);
            case "Sequence": {
                boolean byteFallback = modelByteFallback;
                Character metaSpace = null;
                for (JsonNode d : decoder.path("decoders")) {
                    switch (d.path("type").asText()) {
                        case "ByteLevel":
                            return new ByteLevel();
                        case "ByteFallback":
                            byteFallback = true;
                            break;
                        case "Metaspace":
                            metaSpace = d.path("replacement").asText("\u2581").charAt(0);
                            break;
                        case "Replace":
                            String pattern = d.path("pattern").path("String").asText("");
                            if (pattern.length() == 1 && " ".equals(d.path("content").asText())) {
                                metaSpace = pattern.charAt(0);
                            }
                            break;
                        default:
                            break; // Fuse, Strip: no effect on a token's own bytes
                    }
                }
                if (metaSpace != null) {
                    return new MetaSpace(metaSpace, byteFallback);
                }
                break;
            }
            default:
                break;
        }
        throw new IOException(file + ": decoder " + (decoder == null ? "null" : decoder.toString())
                + " is not supported: only byte-level BPE (ByteLevel) and SentencePiece-style pieces (Metaspace, or"
                + " Replace \u2581 with ByteFallback) decode by concatenating token bytes");
    }
}
