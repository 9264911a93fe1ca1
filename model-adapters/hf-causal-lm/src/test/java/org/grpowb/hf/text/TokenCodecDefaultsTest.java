package org.grpowb.hf.text;

import org.grpowb.api.TokenCodec;
import org.grpowb.api.TokenCodec.TokenRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default methods of {@link TokenCodec}, on a codec of whole words (id 0 ends a completion). */
class TokenCodecDefaultsTest {

    static final List<String> WORDS = List.of("<eos>", "the ", "cat", "é");

    static final TokenCodec WORD_CODEC = new TokenCodec() {
        @Override
        public int vocabSize() {
            return WORDS.size();
        }

        @Override
        public int eosId() {
            return 0;
        }

        @Override
        public int[] encode(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String decode(int[] ids) {
            StringBuilder b = new StringBuilder();
            for (int id : ids) {
                if (id != 0) {
                    b.append(WORDS.get(id));
                }
            }
            return b.toString();
        }

        @Override
        public String tokenText(int id) {
            return WORDS.get(id);
        }
    };

    @Test
    void defaults() {
        assertEquals(List.of(0), WORD_CODEC.stopIds());
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), WORD_CODEC.tokenBytes(3));
        int[] ids = {1, 2, 0, 3};
        assertEquals("the caté", WORD_CODEC.decode(ids));
        assertArrayEquals(new int[] {0, 4, 7, 7, 8}, WORD_CODEC.charOffsets(ids));
        assertEquals(new TokenRange(1, 2), WORD_CODEC.tokensCovering(ids, 4, 7));
        assertEquals(new TokenRange(0, 2), WORD_CODEC.tokensCovering(ids, 2, 5));
        assertEquals(new TokenRange(3, 4), WORD_CODEC.tokensCovering(ids, 7, 8));
    }
}
