package org.grpowb.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Maps text to token ids and back. Implementations are immutable and thread-safe.
 *
 * <p>Decoding is concatenation: {@code decode(ids)} is the text of the ids' pieces joined in order, stop ids
 * contributing nothing. The default methods below rely on that; a codec whose pieces are not plain text (byte-level
 * BPE, where one piece can be half a UTF-8 character) overrides {@link #tokenBytes}, {@link #charOffsets} and
 * {@link #tokensCovering} together.
 */
public interface TokenCodec {

    /** Vocabulary size V, including the end-of-sequence token. */
    int vocabSize();

    /** Id of the end-of-sequence token, which ends a completion. */
    int eosId();

    /**
     * Encodes text.
     *
     * @throws IllegalArgumentException naming the first character the vocabulary lacks
     */
    int[] encode(String text);

    /** Decodes ids; the end-of-sequence token (every one of {@link #stopIds()}) is dropped. */
    String decode(int[] ids);

    /** The text of a single token, for token-level display ({@code "⏎"}-style escapes are the UI's business). */
    String tokenText(int id);

    /**
     * Every id that ends a completion, {@link #eosId()} first. Chat models stop on more than their tokenizer's
     * end-of-sequence token: Qwen2.5-Instruct's {@code generation_config.json} lists both {@code <|im_end|>} and
     * {@code <|endoftext|>}, Llama 3.x-Instruct lists {@code <|end_of_text|>}, {@code <|eom_id|>} and
     * {@code <|eot_id|>}. Sampling stops at the first of them and {@link #decode} drops them all.
     *
     * <p>Default: {@code List.of(eosId())}.
     */
    default List<Integer> stopIds() {
        return List.of(eosId());
    }

    /**
     * The exact bytes one token contributes to the UTF-8 encoding of the decoded text. For byte-level BPE (GPT-2,
     * Llama 3, Qwen2, SmolLM2) a token is a run of bytes, and a character outside ASCII is often split across two
     * tokens, so a single token's bytes need not be valid UTF-8: text must be decoded by joining bytes first and
     * decoding the joined bytes once, never by joining per-token strings (which would turn each half character into
     * U+FFFD).
     *
     * <p>Default: {@code tokenText(id)} in UTF-8, right for codecs whose tokens are whole characters.
     *
     * @throws IllegalArgumentException when the id is outside the vocabulary
     */
    default byte[] tokenBytes(int id) {
        return tokenText(id).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Where each token's text starts in {@code decode(ids)}, as {@code String} (UTF-16) indices, so that a match
     * found by searching the decoded text can be mapped back to tokens. The array has {@code ids.length + 1}
     * entries, non-decreasing; entry {@code k} counts the characters of {@code decode(ids)} that begin before token
     * {@code k}, and the last entry is {@code decode(ids).length()}. A stop id (dropped by {@link #decode}) spans
     * nothing. A token that starts in the middle of a character (the second half of a split UTF-8 character) starts
     * after that character: the character belongs to the token holding its first byte. Use {@link #tokensCovering}
     * to map a match to every token that holds a byte of it.
     *
     * <p>Default: cumulative lengths of {@link #tokenText}, stop ids counting zero.
     */
    default int[] charOffsets(int[] ids) {
        List<Integer> stops = stopIds();
        int[] offsets = new int[ids.length + 1];
        for (int k = 0; k < ids.length; k++) {
            offsets[k + 1] = offsets[k] + (stops.contains(ids[k]) ? 0 : tokenText(ids[k]).length());
        }
        return offsets;
    }

    /**
     * The tokens of {@code ids} that hold part of the characters {@code [charStart, charEnd)} of {@code decode(ids)}
     * (for instance the tokens of a final answer found by a text search, to credit or display them). When a
     * character is split across tokens, every token holding one of its bytes is included, which
     * {@link #charOffsets} alone cannot tell.
     *
     * <p>Default: from {@link #charOffsets}, exact when no token splits a character.
     *
     * @throws IllegalArgumentException unless {@code 0 <= charStart < charEnd <= decode(ids).length()}
     */
    default TokenRange tokensCovering(int[] ids, int charStart, int charEnd) {
        int[] offsets = charOffsets(ids);
        TokenRange.checkCharRange(charStart, charEnd, offsets[ids.length]);
        int from = 0;
        while (offsets[from + 1] <= charStart) {
            from++;
        }
        int to = from;
        while (to < ids.length && offsets[to] < charEnd) {
            to++;
        }
        return new TokenRange(from, to);
    }

    /**
     * Token positions {@code [from, to)} in a sequence of ids.
     *
     * @param from first token, inclusive
     * @param to   last token, exclusive
     */
    record TokenRange(int from, int to) {

        public TokenRange {
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("token range [" + from + ", " + to + ") is not a range");
            }
        }

        /** Number of tokens in the range. */
        public int length() {
            return to - from;
        }

        /** Rejects an empty or out-of-bounds character range of a decoded text of {@code textLength} characters. */
        public static void checkCharRange(int charStart, int charEnd, int textLength) {
            if (charStart < 0 || charEnd <= charStart || charEnd > textLength) {
                throw new IllegalArgumentException("character range [" + charStart + ", " + charEnd
                        + ") is empty or outside the decoded text of length " + textLength);
            }
        }
    }
}
