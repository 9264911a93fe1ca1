package org.grpowb.hf.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.grpowb.api.TokenCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The tokenizer of a Hugging Face model folder. Encoding is the Rust tokenizers library's own, run through DJL's
 * binding ({@code ai.djl.huggingface:tokenizers}, native library bundled, no download) on {@code tokenizer.json}
 * with no special tokens added, no truncation and no padding: a chat template writes every special token itself, and
 * letting the tokenizer's post-processor add Llama 3's {@code <|begin_of_text|>} as well would double the BOS.
 *
 * <p>Decoding does not go through the library: it joins the tokens' {@linkplain #tokenBytes bytes} and decodes them
 * once as UTF-8 (ill-formed bytes become U+FFFD), which is what the library's ByteLevel decoder does
 * ({@code tokenizers/src/pre_tokenizers/byte_level.rs}, {@code decode_chain}), but keeps decode(a + b) = decode(a) +
 * decode(b) byte for byte, so {@link #charOffsets} and {@link #tokensCovering} map text back to tokens exactly even
 * when a character is split across two tokens.
 *
 * <p>{@link #vocabSize()} is the tokenizer's size (largest id + 1 over the vocabulary and the added tokens), which can
 * be smaller than the model's embedding rows: Qwen2.5 has 151,665 token ids and 151,936 rows; the extra rows are
 * padding that no text encodes to. Stop ids are {@code tokenizer_config.json}'s {@code eos_token}, then
 * {@code generation_config.json}'s {@code eos_token_id} (a number or a list) when that file exists, then any ids
 * passed in.
 *
 * <p>Immutable; the native tokenizer's encode takes it by shared reference, so one codec serves many threads.
 * {@link #close()} frees the native tokenizer.
 */
public final class HfTokenizerCodec implements TokenCodec, AutoCloseable {

    static final String GENERATION_CONFIG = "generation_config.json";

    private final HuggingFaceTokenizer tokenizer;
    private final TokenizerJson vocabulary;
    private final byte[][] pieceBytes;
    private final int eosId;
    private final List<Integer> stopIds;
    private final boolean[] stop;
    private final String eosToken;
    private final String bosToken;
    private final String bosPrefix;

    private HfTokenizerCodec(HuggingFaceTokenizer tokenizer, TokenizerJson vocabulary, int eosId,
                             List<Integer> stopIds, String eosToken, String bosToken) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        String[] pieces = vocabulary.pieces();
        this.pieceBytes = new byte[pieces.length][];
        for (int id = 0; id < pieces.length; id++) {
            if (pieces[id] != null) {
                pieceBytes[id] = vocabulary.rule().bytes(pieces[id]);
            }
        }
        this.eosId = eosId;
        this.stopIds = List.copyOf(stopIds);
        this.stop = new boolean[pieces.length];
        stopIds.forEach(id -> stop[id] = true);
        this.eosToken = eosToken;
        this.bosToken = bosToken;
        this.bosPrefix = detectBosPrefix(tokenizer);
    }

    /** Loads the tokenizer of a model folder; stop ids as {@link #load(Path, Collection)} with no extra ids. */
    public static HfTokenizerCodec load(Path modelDir) throws IOException {
        return load(modelDir, List.of());
    }

    /**
     * Loads {@code tokenizer.json}, {@code tokenizer_config.json} and, when present, {@code generation_config.json}
     * from a model folder.
     *
     * @param extraStopIds further ids that end a completion, after the folder's own
     * @throws IOException naming the file and key at fault: no {@code tokenizer.json}, an {@code eos_token} that is
     *                     not in the vocabulary, an {@code added_tokens_decoder} entry that disagrees with
     *                     {@code tokenizer.json}, a stop id outside the vocabulary, a decoder this class cannot
     *                     turn into bytes
     */
    public static HfTokenizerCodec load(Path modelDir, Collection<Integer> extraStopIds) throws IOException {
        Path tokenizerFile = modelDir.resolve(TokenizerJson.FILE_NAME);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new NoSuchFileException(tokenizerFile.toString(), null,
                    "a Hugging Face model folder needs tokenizer.json (the fast tokenizer); this one has none");
        }
        TokenizerJson vocabulary = TokenizerJson.read(tokenizerFile);
        TokenizerConfigJson config = TokenizerConfigJson.read(modelDir);
        checkAddedTokens(config, vocabulary, tokenizerFile);

        List<Integer> generationEos = generationConfigEosIds(modelDir.resolve(GENERATION_CONFIG));
        String eosToken = config.token("eos_token");
        int eosId;
        if (eosToken != null) {
            eosId = idOf(vocabulary, eosToken).orElseThrow(() -> new IOException(config.file() + ": eos_token \""
                    + eosToken + "\" is not in the vocabulary of " + tokenizerFile));
        } else if (!generationEos.isEmpty()) {
            eosId = generationEos.get(0);
        } else {
            throw new IOException(config.file() + " has no eos_token and " + modelDir.resolve(GENERATION_CONFIG)
                    + " no eos_token_id: nothing would end a completion");
        }
        String bosToken = config.token("bos_token");
        if (bosToken != null && idOf(vocabulary, bosToken).isEmpty()) {
            throw new IOException(config.file() + ": bos_token \"" + bosToken + "\" is not in the vocabulary of "
                    + tokenizerFile);
        }
        Set<Integer> stops = new LinkedHashSet<>();
        stops.add(eosId);
        stops.addAll(generationEos);
        stops.addAll(extraStopIds);
        int size = vocabulary.pieces().length;
        for (int id : stops) {
            if (id < 0 || id >= size || vocabulary.pieces()[id] == null) {
                throw new IOException("stop id " + id + " (" + modelDir.resolve(GENERATION_CONFIG)
                        + " eos_token_id, or passed in) is not a token of " + tokenizerFile);
            }
        }
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
        String eosText = vocabulary.pieces()[eosId];
        return new HfTokenizerCodec(tokenizer, vocabulary, eosId, new ArrayList<>(stops),
                eosToken != null ? eosToken : eosText, bosToken);
    }

    private static void checkAddedTokens(TokenizerConfigJson config, TokenizerJson vocabulary, Path tokenizerFile)
            throws IOException {
        String[] pieces = vocabulary.pieces();
        for (Map.Entry<Integer, String> e : config.addedTokens().entrySet()) {
            int id = e.getKey();
            String inTokenizer = id < pieces.length ? pieces[id] : null;
            if (!e.getValue().equals(inTokenizer)) {
                throw new IOException(config.file() + ": added_tokens_decoder." + id + " is \"" + e.getValue()
                        + "\" but " + tokenizerFile + " has " + (inTokenizer == null ? "no token " + id
                        : "\"" + inTokenizer + "\"") + ": the two files come from different tokenizers");
            }
        }
    }

    /** {@code eos_token_id}: a number or a list of numbers; empty when the file or the key is absent. */
    private static List<Integer> generationConfigEosIds(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        JsonNode eos = new ObjectMapper().readTree(file.toFile()).get("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (eos == null || eos.isNull()) {
            return ids;
        }
        if (eos.isInt()) {
            ids.add(eos.asInt());
        } else if (eos.isArray()) {
            for (JsonNode id : eos) {
                if (!id.isInt()) {
                    throw new IOException(file + ": eos_token_id holds " + id + ", not a token id");
                }
                ids.add(id.asInt());
            }
        } else {
            throw new IOException(file + ": eos_token_id is " + eos + ", neither a token id nor a list of them");
        }
        return ids;
    }

    private static OptionalInt idOf(TokenizerJson vocabulary, String token) {
        Integer id = vocabulary.ids().get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * What the tokenizer's post-processor puts before a sequence when asked to add special tokens, found by asking
     * it: Llama 3's {@code <|begin_of_text|>}, nothing for Qwen2.5 or SmolLM2.
     */
    private String detectBosPrefix(HuggingFaceTokenizer tokenizer) {
        long[] plain = tokenizer.encode("a", false, false).getIds();
        long[] withSpecial = tokenizer.encode("a", true, false).getIds();
        for (int start = 0; start + plain.length <= withSpecial.length; start++) {
            if (java.util.Arrays.equals(withSpecial, start, start + plain.length, plain, 0, plain.length)) {
                int[] prefix = new int[start];
                for (int k = 0; k < start; k++) {
                    prefix[k] = (int) withSpecial[k];
                }
                return joinBytes(prefix).text();
            }
        }
        return "";
    }

    @Override
    public int vocabSize() {
        return pieceBytes.length;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public List<Integer> stopIds() {
        return stopIds;
    }

    /**
     * Encodes exactly as the Rust tokenizer does, adding no special token; special tokens written in the text are
     * matched. Never throws for byte-level vocabularies, which cover every byte.
     */
    @Override
    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int k = 0; k < ids.length; k++) {
            out[k] = Math.toIntExact(ids[k]);
        }
        return out;
    }

    /** Joins the tokens' bytes, stop ids left out, and decodes them once as UTF-8, ill-formed bytes as U+FFFD. */
    @Override
    public String decode(int[] ids) {
        return joinBytes(ids).text();
    }

    /** The token's text; bytes that are not whole UTF-8 characters (half a character) show as {@code <0xNN>}. */
    @Override
    public String tokenText(int id) {
        byte[] bytes = bytes(id);
        return Utf8Text.decode(bytes, bytes.length).display(bytes);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return bytes(id).clone();
    }

    @Override
    public int[] charOffsets(int[] ids) {
        int[] byteStarts = new int[ids.length + 1];
        Utf8Text text = joinBytes(ids, byteStarts);
        int[] offsets = new int[ids.length + 1];
        for (int k = 0; k < ids.length; k++) {
            offsets[k] = text.unitsStartingBefore(byteStarts[k]);
        }
        offsets[ids.length] = text.text().length();
        return offsets;
    }

    @Override
    public TokenRange tokensCovering(int[] ids, int charStart, int charEnd) {
        int[] byteStarts = new int[ids.length + 1];
        Utf8Text text = joinBytes(ids, byteStarts);
        TokenRange.checkCharRange(charStart, charEnd, text.text().length());
        int firstByte = text.byteStart(charStart);
        int endByte = text.byteStart(charEnd);
        int from = 0;
        while (byteStarts[from + 1] <= firstByte) {
            from++;
        }
        int to = from;
        while (to < ids.length && byteStarts[to] < endByte) {
            to++;
        }
        return new TokenRange(from, to);
    }

    /** {@code tokenizer_config.json}'s {@code eos_token} (else the piece of the first generation-config eos id). */
    public String eosToken() {
        return eosToken;
    }

    /** {@code tokenizer_config.json}'s {@code bos_token}; Qwen2.5 has none. */
    public Optional<String> bosToken() {
        return Optional.ofNullable(bosToken);
    }

    /**
     * The text the tokenizer itself would put before a sequence if asked to add special tokens ({@code ""} when
     * none): what a raw prompt must start with to look like the model's pretraining documents.
     */
    public String bosPrefix() {
        return bosPrefix;
    }

    /** The id of a vocabulary piece (as {@code tokenizer.json} spells it, e.g. {@code "Ġworld"}) or added token. */
    public OptionalInt idOf(String token) {
        return idOf(vocabulary, token);
    }

    /** Whether the id is an added token marked special ({@code <|im_start|>}, {@code <|eot_id|>}, ...). */
    public boolean isSpecial(int id) {
        bytes(id);
        return vocabulary.special()[id];
    }

    /** Frees the native tokenizer; the codec must not be used afterwards. */
    @Override
    public void close() {
        tokenizer.close();
    }

    private byte[] bytes(int id) {
        if (id < 0 || id >= pieceBytes.length || pieceBytes[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the tokenizer's vocabulary [0, "
                    + pieceBytes.length + ")");
        }
        return pieceBytes[id];
    }

    private Utf8Text joinBytes(int[] ids) {
        return joinBytes(ids, new int[ids.length + 1]);
    }

    /** Joins the ids' bytes (stop ids contribute none), recording where each token's bytes start. */
    private Utf8Text joinBytes(int[] ids, int[] byteStarts) {
        int length = 0;
        for (int k = 0; k < ids.length; k++) {
            byteStarts[k] = length;
            if (!isStop(ids[k])) {
                length += bytes(ids[k]).length;
            }
        }
        byteStarts[ids.length] = length;
        byte[] joined = new byte[length];
        for (int k = 0; k < ids.length; k++) {
            if (!isStop(ids[k])) {
                byte[] b = bytes(ids[k]);
                System.arraycopy(b, 0, joined, byteStarts[k], b.length);
            }
        }
        return Utf8Text.decode(joined, length);
    }

    private boolean isStop(int id) {
        return id >= 0 && id < stop.length && stop[id];
    }
}
