package org.grpowb.hf.text;

/**
 * GPT-2's reversible map between the 256 byte values and 256 printable characters, used by every byte-level BPE
 * vocabulary (GPT-2, Llama 3, Qwen2, SmolLM2): a vocabulary entry is written in these characters, one per byte, so
 * that a token can hold any byte run, including half of a multi-byte UTF-8 character.
 *
 * <p>The printable bytes {@code '!'..'~'}, {@code 0xA1..0xAC} and {@code 0xAE..0xFF} stand for themselves; the other
 * 68 bytes (controls, space, DEL, {@code 0x80..0xA0}, the soft hyphen {@code 0xAD}), taken in increasing order, map to
 * {@code U+0100}, {@code U+0101}, ... So the space is {@code 'Ġ'} (U+0120) and the newline {@code 'Ċ'} (U+010A).
 * Restated from {@code bytes_char()} in huggingface/tokenizers, {@code tokenizers/src/pre_tokenizers/byte_level.rs}
 * (itself from OpenAI's GPT-2 {@code encoder.py}, {@code bytes_to_unicode}).
 */
final class ByteLevelAlphabet {

    private static final char[] CHAR_OF_BYTE = new char[256];
    /** Byte of each character below U+0144 (the highest mapped character), -1 where none. */
    private static final int[] BYTE_OF_CHAR = new int[0x144];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The character standing for byte {@code b} (0..255). */
    static char charOf(int b) {
        return CHAR_OF_BYTE[b];
    }

    /**
     * The bytes a byte-level piece stands for, or null when the piece holds a character outside the alphabet. The
     * Rust decoder then uses the piece's own UTF-8 bytes instead (what happens for added tokens such as
     * {@code "\n\n"} written literally): {@code ByteLevel::decode_chain}, same file.
     */
    static byte[] bytesOf(String piece) {
        byte[] bytes = new byte[piece.length()];
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
            if (b < 0) {
                return null;
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }
}
