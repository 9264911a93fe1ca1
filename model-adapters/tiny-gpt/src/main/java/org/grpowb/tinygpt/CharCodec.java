package org.grpowb.tinygpt;

import org.grpowb.api.TokenCodec;

/**
 * One token per character: id 0 is end-of-sequence, id 1 is the newline, ids 2..96 are printable ASCII 32..126.
 * Immutable and thread-safe.
 */
public final class CharCodec implements TokenCodec {

    /** The shared instance; the codec has no state. */
    public static final CharCodec INSTANCE = new CharCodec();

    public static final int EOS = 0;
    public static final int NEWLINE = 1;
    private static final int FIRST_PRINTABLE = 32;
    private static final int LAST_PRINTABLE = 126;
    /** Id of the first printable character, the space. */
    private static final int PRINTABLE_OFFSET = 2;
    public static final int VOCAB_SIZE = PRINTABLE_OFFSET + LAST_PRINTABLE - FIRST_PRINTABLE + 1;

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                ids[i] = NEWLINE;
            } else if (c >= FIRST_PRINTABLE && c <= LAST_PRINTABLE) {
                ids[i] = c - FIRST_PRINTABLE + PRINTABLE_OFFSET;
            } else {
                throw new IllegalArgumentException("character " + describe(text.codePointAt(i)) + " at index " + i
                        + " is not in the tiny-gpt vocabulary (newline and printable ASCII 32..126)");
            }
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id != EOS) {
                text.append(character(id));
            }
        }
        return text.toString();
    }

    @Override
    public String tokenText(int id) {
        return id == EOS ? "<eos>" : String.valueOf(character(id));
    }

    private static char character(int id) {
        if (id == NEWLINE) {
            return '\n';
        }
        if (id < PRINTABLE_OFFSET || id >= VOCAB_SIZE) {
            throw new IllegalArgumentException("token id " + id + " is outside the tiny-gpt vocabulary [0, " + VOCAB_SIZE + ")");
        }
        return (char) (id - PRINTABLE_OFFSET + FIRST_PRINTABLE);
    }

    private static String describe(int codePoint) {
        String hex = String.format(java.util.Locale.ROOT, "U+%04X", codePoint);
        return switch (codePoint) {
            case '\t' -> "'\\t' (" + hex + ")";
            case '\r' -> "'\\r' (" + hex + ")";
            default -> Character.isISOControl(codePoint) ? hex : "'" + new String(Character.toChars(codePoint)) + "' (" + hex + ")";
        };
    }
}
