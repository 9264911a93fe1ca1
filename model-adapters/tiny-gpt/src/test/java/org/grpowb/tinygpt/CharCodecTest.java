package org.grpowb.tinygpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CharCodecTest {

    private final CharCodec codec = CharCodec.INSTANCE;

    @Test
    void vocabularyIsEosNewlineAndPrintableAscii() {
        assertEquals(97, codec.vocabSize());
        assertEquals(0, codec.eosId());
        assertArrayEquals(new int[] {1, 2, 96}, codec.encode("\n ~"));
        assertEquals("<eos>", codec.tokenText(0));
        assertEquals("\n", codec.tokenText(1));
        assertEquals("A", codec.tokenText(codec.encode("A")[0]));
    }

    @Test
    void everyCharacterRoundTrips() {
        StringBuilder all = new StringBuilder("\n");
        for (char c = 32; c <= 126; c++) {
            all.append(c);
        }
        int[] ids = codec.encode(all.toString());
        assertEquals(96, ids.length);
        assertEquals(all.toString(), codec.decode(ids));
        assertEquals("12+30=42\n", codec.decode(codec.encode("12+30=42\n")));
    }

    @Test
    void decodeDropsEos() {
        int[] ids = codec.encode("ok");
        assertEquals("ok", codec.decode(new int[] {ids[0], ids[1], codec.eosId()}));
    }

    @Test
    void unknownCharacterIsNamedWithItsIndex() {
        IllegalArgumentException tab = assertThrows(IllegalArgumentException.class, () -> codec.encode("ab\tc"));
        assertTrue(tab.getMessage().contains("'\\t'") && tab.getMessage().contains("index 2"), tab.getMessage());
        IllegalArgumentException accent = assertThrows(IllegalArgumentException.class, () -> codec.encode("café"));
        assertTrue(accent.getMessage().contains("'é'") && accent.getMessage().contains("U+00E9")
                && accent.getMessage().contains("index 3"), accent.getMessage());
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> codec.decode(new int[] {97}));
        assertThrows(IllegalArgumentException.class, () -> codec.tokenText(-1));
    }
}
