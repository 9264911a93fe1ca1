package org.grpowb.hf.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class Utf8TextTest {

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void illFormedBytesBecomeOneReplacementPerMaximalSubpart() {
        // E2 82 is a truncated "€": one U+FFFD; C0 and FF never start a character: one each;
        // ED A0 80 would be a surrogate: ED is cut short by A0, and A0, 80 stand alone
        assertEquals("\uFFFDa", Utf8Text.decode(bytes(0xE2, 0x82, 'a'), 3).text());
        assertEquals("\uFFFD\uFFFD", Utf8Text.decode(bytes(0xC0, 0xFF), 2).text());
        assertEquals("\uFFFD\uFFFD\uFFFD", Utf8Text.decode(bytes(0xED, 0xA0, 0x80), 3).text());
        assertEquals("€\uD83D\uDE00", Utf8Text.decode(bytes(0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80), 7).text());
    }

    /**
     * Byte 0xED is left out: for an encoded surrogate (ED A0..BF ..) the JDK emits one U+FFFD for all three bytes,
     * where Rust's {@code from_utf8_lossy} (the reference here, see HfTokenizerCodecTest) and this class emit three.
     */
    @Test
    void agreesWithTheJdkDecoderOnRandomBytesWithoutSurrogates() {
        Random random = new Random(7);
        int[] alphabet = {'a', 0x80, 0x9F, 0xA0, 0xBF, 0xC2, 0xDF, 0xE0, 0xE2, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
        for (int trial = 0; trial < 3000; trial++) {
            byte[] b = new byte[random.nextInt(9)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) alphabet[random.nextInt(alphabet.length)];
            }
            assertEquals(new String(b, StandardCharsets.UTF_8), Utf8Text.decode(b, b.length).text());
        }
    }

    @Test
    void remembersWhereEachCharacterStarts() {
        byte[] b = bytes('a', 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 'b');
        Utf8Text t = Utf8Text.decode(b, b.length);
        assertEquals("a€\uD83D\uDE00b", t.text());
        int[] starts = {0, 1, 4, 4, 8, 9};
        for (int unit = 0; unit <= t.text().length(); unit++) {
            assertEquals(starts[unit], t.byteStart(unit), "unit " + unit);
        }
        assertEquals(1, t.unitsStartingBefore(1));
        assertEquals(2, t.unitsStartingBefore(2)); // inside "€": it has started
        assertEquals(4, t.unitsStartingBefore(5));
        assertEquals("a<0xE2><0x82>", Utf8Text.decode(b, 3).display(b));
    }

    @Test
    void byteLevelAlphabetIsGpt2s() {
        assertEquals('Ġ', ByteLevelAlphabet.charOf(' '));
        assertEquals('Ċ', ByteLevelAlphabet.charOf('\n'));
        assertEquals('Ā', ByteLevelAlphabet.charOf(0x00));
        assertEquals('ġ', ByteLevelAlphabet.charOf(0x7F)); // 34th unprintable byte: U+0100 + 33
        assertEquals('Ń', ByteLevelAlphabet.charOf(0xAD)); // the 68th and last: U+0143
        assertEquals('a', ByteLevelAlphabet.charOf('a'));
        assertEquals('é', ByteLevelAlphabet.charOf(0xE9));
        assertArrayEquals(" hello\n".getBytes(StandardCharsets.UTF_8), ByteLevelAlphabet.bytesOf("ĠhelloĊ"));
        assertArrayEquals(bytes(0xE2, 0x82, 0xAC), ByteLevelAlphabet.bytesOf("âĤ¬"));
        assertNull(ByteLevelAlphabet.bytesOf("✓"));
        for (int b = 0; b < 256; b++) {
            assertArrayEquals(bytes(b), ByteLevelAlphabet.bytesOf(String.valueOf(ByteLevelAlphabet.charOf(b))));
        }
    }
}
