package org.grpowb.api;

/** Maps text to token ids and back. Implementations are immutable and thread-safe. */
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

    /** Decodes ids; the end-of-sequence token is dropped. */
    String decode(int[] ids);

    /** The text of a single token, for token-level display ({@code "⏎"}-style escapes are the UI's business). */
    String tokenText(int id);
}
