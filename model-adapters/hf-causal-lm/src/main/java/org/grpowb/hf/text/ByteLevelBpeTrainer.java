package org.grpowb.hf.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns a byte-level BPE vocabulary from text and writes it as a Hugging Face tokenizer folder in the Qwen2 layout:
 * {@code tokenizer.json} (the regex split then the ByteLevel pre-tokenizer, a BPE model with vocabulary and merges, a
 * ByteLevel decoder, the ChatML tokens as special added tokens) and {@code tokenizer_config.json} (a ChatML chat
 * template, eos {@code <|im_end|>}, pad {@code <|endoftext|>}, no BOS).
 *
 * <p>The algorithm is Sennrich et al.'s byte-pair encoding (ACL 2016) on bytes, as GPT-2 applied it (Radford et al.
 * 2019): split the text into pre-tokens with {@link #PRE_TOKENIZER}, write each as one symbol per byte, then repeat:
 * count every adjacent pair of symbols over all pre-tokens, each weighted by how often the pre-token occurs, and merge
 * the most frequent pair into a new symbol everywhere. Ties go to the pair whose left piece, then right piece, is
 * smaller as a string, so that the result is a function of the corpus alone. Training stops when the vocabulary
 * reaches the requested size or the best pair occurs fewer than {@code minFrequency} times.
 *
 * <p>Ids: 0..255 are the bytes (id = byte value, each written in GPT-2's byte alphabet, so the space is {@code Ġ}),
 * then one id per new piece in the order the merges made them, then the special tokens. Every byte has an id, so any text encodes.
 *
 * <p>Each round recounts the pairs of every distinct pre-token: O(merges × symbols of the distinct pre-tokens). That
 * is instant for the templated corpora of the sample projects (a few hundred distinct words) and fine for a few
 * megabytes of ordinary text; it is not meant for web-scale corpora.
 */
public final class ByteLevelBpeTrainer {

    /**
     * How text is split before merging: Qwen2's pre-tokenization rule (its {@code tokenizer.json}'s Split regex).
     * Contractions; a letter run with at most one non-letter, non-digit character in front (" apples", "Mia");
     * <b>one digit at a time</b>, so that every number is spelled with the same ten digit tokens in a prompt and in an
     * answer, which is what lets a small model learn arithmetic; punctuation runs with an optional leading space;
     * newlines; whitespace. Java's regex reads it as the Rust library's Oniguruma does, given Unicode classes.
     */
    public static final String PRE_TOKENIZER =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** {@code <|endoftext|>}, the pad token. */
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** {@code <|im_start|>}: opens a ChatML turn. */
    public static final String IM_START = "<|im_start|>";
    /** {@code <|im_end|>}: closes a ChatML turn; the eos token, so a completion ends with the assistant's turn. */
    public static final String IM_END = "<|im_end|>";
    /** The special tokens, in id order after the merges. */
    public static final List<String> SPECIAL_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END);

    /**
     * ChatML: each message as {@code <|im_start|>role\ncontent<|im_end|>\n}, then, for generation, the opening of the
     * assistant's turn. No default system prompt (Qwen2.5's inserts one), so a prompt is only the user's turn.
     */
    public static final String CHAT_TEMPLATE = "{%- for message in messages %}"
            + "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{%- endfor %}"
            + "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    private static final Pattern SPLIT = Pattern.compile(PRE_TOKENIZER, Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPECIALS = Pattern.compile(
            SPECIAL_TOKENS.stream().map(Pattern::quote).reduce((a, b) -> a + "|" + b).orElseThrow());
    private static final int BYTES = 256;

    /** One learned merge: the two pieces joined, in GPT-2's byte alphabet. */
    public record Merge(String left, String right) {
        /** The piece the merge makes. */
        public String merged() {
            return left + right;
        }
    }

    /**
     * A trained vocabulary.
     *
     * @param merges the merges in the order learned (their rank)
     * @param pieces every piece of the BPE model by id: the 256 bytes, then each merge's new piece (a merge whose piece
     *               already exists, reached by another pair, adds none); special tokens are not among them
     */
    public record Vocabulary(List<Merge> merges, Map<String, Integer> pieces) {

        public Vocabulary {
            merges = List.copyOf(merges);
            pieces = Collections.unmodifiableMap(new LinkedHashMap<>(pieces));
        }

        /** The vocabulary the merges make, in the order learned. */
        public static Vocabulary of(List<Merge> merges) {
            Map<String, Integer> ids = new LinkedHashMap<>();
            for (int b = 0; b < BYTES; b++) {
                ids.put(String.valueOf(ByteLevelAlphabet.charOf(b)), b);
            }
            for (Merge m : merges) {
                ids.putIfAbsent(m.merged(), ids.size());
            }
            return new Vocabulary(merges, ids);
        }

        /** Ids of the pieces and the special tokens together. */
        public int size() {
            return pieces.size() + SPECIAL_TOKENS.size();
        }

        /** Id of a special token: after the bytes and the merges. */
        public int specialId(String token) {
            int i = SPECIAL_TOKENS.indexOf(token);
            if (i < 0) {
                throw new IllegalArgumentException(token + " is not one of " + SPECIAL_TOKENS);
            }
            return pieces.size() + i;
        }

        /**
         * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created), as the Rust
         * tokenizers library and transformers read them.
         */
        public void write(Path dir) throws IOException {
            Files.createDirectories(dir);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.writeString(dir.resolve(TokenizerJson.FILE_NAME),
                    json.writeValueAsString(tokenizerJson()) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(TokenizerConfigJson.FILE_NAME),
                    json.writeValueAsString(tokenizerConfigJson()) + "\n", StandardCharsets.UTF_8);
        }

        ObjectNode tokenizerJson() {
            JsonNodeFactory f = JsonNodeFactory.instance;
            ObjectNode root = f.objectNode();
            root.put("version", "1.0");
            root.putNull("truncation");
            root.putNull("padding");
            ArrayNode added = root.putArray("added_tokens");
            for (String token : SPECIAL_TOKENS) {
                ObjectNode t = added.addObject();
                t.put("id", specialId(token));
                t.put("content", token);
                t.put("single_word", false);
                t.put("lstrip", false);
                t.put("rstrip", false);
                t.put("normalized", false);
                t.put("special", true);
            }
            // no normalizer: the text is encoded exactly as given, so decode(encode(s)) == s for every string
            root.putNull("normalizer");
            ObjectNode pre = root.putObject("pre_tokenizer");
            pre.put("type", "Sequence");
            ArrayNode steps = pre.putArray("pretokenizers");
            ObjectNode split = steps.addObject();
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", PRE_TOKENIZER);
            split.put("behavior", "Isolated");
            split.put("invert", false);
            steps.add(byteLevel());
            root.set("post_processor", byteLevel());
            root.set("decoder", byteLevel());
            ObjectNode model = root.putObject("model");
            model.put("type", "BPE");
            model.putNull("dropout");
            model.putNull("unk_token");
            model.putNull("continuing_subword_prefix");
            model.putNull("end_of_word_suffix");
            model.put("fuse_unk", false);
            model.put("byte_fallback", false);
            model.put("ignore_merges", false);
            ObjectNode vocab = model.putObject("vocab");
            pieces.forEach(vocab::put);
            ArrayNode merges = model.putArray("merges");
            // "left right": a byte-level piece never holds a space (the space byte is written Ġ)
            this.merges.forEach(m -> merges.add(m.left() + " " + m.right()));
            return root;
        }

        /** The ByteLevel step with the regex off: the Split before it has already cut the text. */
        private static ObjectNode byteLevel() {
            ObjectNode b = JsonNodeFactory.instance.objectNode();
            b.put("type", "ByteLevel");
            b.put("add_prefix_space", false);
            b.put("trim_offsets", false);
            b.put("use_regex", false);
            return b;
        }

        ObjectNode tokenizerConfigJson() {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("add_bos_token", false);
            root.put("add_prefix_space", false);
            ObjectNode decoder = root.putObject("added_tokens_decoder");
            for (String token : SPECIAL_TOKENS) {
                ObjectNode t = decoder.putObject(String.valueOf(specialId(token)));
                t.put("content", token);
                t.put("lstrip", false);
                t.put("normalized", false);
                t.put("rstrip", false);
                t.put("single_word", false);
                t.put("special", true);
            }
            ArrayNode extra = root.putArray("additional_special_tokens");
            extra.add(IM_START);
            extra.add(IM_END);
            root.putNull("bos_token");
            root.put("chat_template", CHAT_TEMPLATE);
            root.put("clean_up_tokenization_spaces", false);
            root.put("eos_token", IM_END);
            root.put("errors", "replace");
            root.put("model_max_length", 32768);
            root.put("pad_token", END_OF_TEXT);
            root.put("split_special_tokens", false);
            root.put("tokenizer_class", "Qwen2Tokenizer");
            root.putNull("unk_token");
            return root;
        }
    }

    private final Map<String, Long> preTokenCounts = new HashMap<>();

    /**
     * Adds a text (a document, a line) to the corpus. The special tokens written in it are cut out first, as the
     * tokenizer matches them before pre-tokenizing, so they never take part in a merge.
     */
    public ByteLevelBpeTrainer add(String text) {
        for (String part : SPECIALS.split(text)) {
            for (String preToken : preTokens(part)) {
                preTokenCounts.merge(preToken, 1L, Long::sum);
            }
        }
        return this;
    }

    /**
     * One exchange as {@link #CHAT_TEMPLATE} renders it: the user's turn and the assistant's reply, each closed by
     * {@code <|im_end|>}. Training on these gives the role names and the newlines around them their merges too.
     */
    public static String chatExchange(String user, String assistant) {
        return IM_START + "user\n" + user + IM_END + "\n" + IM_START + "assistant\n" + assistant + IM_END + "\n";
    }

    /** The pre-tokens of a text in order: the pieces BPE merges within, never across. */
    public static List<String> preTokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * Learns merges from the text added so far.
     *
     * @param vocabSize    the size of the whole vocabulary: 256 bytes + merges + the 3 special tokens
     * @param minFrequency a pair occurring fewer times is never merged (at least 1)
     */
    public Vocabulary train(int vocabSize, int minFrequency) {
        int floor = BYTES + SPECIAL_TOKENS.size();
        if (vocabSize < floor) {
            throw new IllegalArgumentException("vocab size " + vocabSize + " is below " + floor
                    + " (256 bytes and the special tokens)");
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("min frequency must be at least 1, got " + minFrequency);
        }
        // each distinct pre-token as its sequence of pieces, with how often it occurs; sorted for a fixed order
        List<List<String>> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        new TreeMap<>(preTokenCounts).forEach((preToken, count) -> {
            List<String> pieces = new ArrayList<>();
            for (byte b : preToken.getBytes(StandardCharsets.UTF_8)) {
                pieces.add(String.valueOf(ByteLevelAlphabet.charOf(b & 0xFF)));
            }
            words.add(pieces);
            counts.add(count);
        });
        List<Merge> merges = new ArrayList<>();
        Set<String> known = new HashSet<>(Vocabulary.of(List.of()).pieces().keySet());
        while (known.size() + SPECIAL_TOKENS.size() < vocabSize) {
            Merge best = null;
            long bestCount = 0;
            for (Map.Entry<Merge, Long> e : pairCounts(words, counts).entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && before(e.getKey(), best))) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null || bestCount < minFrequency) {
                break;
            }
            merges.add(best);
            known.add(best.merged());
            for (List<String> w : words) {
                apply(best, w);
            }
        }
        return Vocabulary.of(merges);
    }

    private static Map<Merge, Long> pairCounts(List<List<String>> words, List<Long> counts) {
        Map<Merge, Long> pairs = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            List<String> w = words.get(i);
            for (int k = 0; k + 1 < w.size(); k++) {
                pairs.merge(new Merge(w.get(k), w.get(k + 1)), counts.get(i), Long::sum);
            }
        }
        return pairs;
    }

    private static boolean before(Merge a, Merge b) {
        if (b == null) {
            return true;
        }
        int left = a.left().compareTo(b.left());
        return left != 0 ? left < 0 : a.right().compareTo(b.right()) < 0;
    }

    /** Joins every occurrence of the pair, left to right, as the BPE encoder applies a merge. */
    private static void apply(Merge merge, List<String> word) {
        for (int k = 0; k + 1 < word.size(); k++) {
            if (word.get(k).equals(merge.left()) && word.get(k + 1).equals(merge.right())) {
                word.set(k, merge.merged());
                word.remove(k + 1);
            }
        }
    }
}
