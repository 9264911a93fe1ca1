package org.grpowb.hf.safetensors;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BFloat16Test {

    private static short b(int bits) {
        return (short) bits;
    }

    private static float f(int bits) {
        return Float.intBitsToFloat(bits);
    }

    @Test
    void readsTheTopSixteenBitsOfAFloat() {
        assertEquals(1.0f, BFloat16.toFloat(b(0x3f80)));
        assertEquals(-3.140625f, BFloat16.toFloat(b(0xc049)));
        assertEquals(0x1p-133f, BFloat16.toFloat(b(0x0001)));  // smallest subnormal: bits 0x00010000 of an fp32
        assertEquals(Float.POSITIVE_INFINITY, BFloat16.toFloat(b(0x7f80)));
        assertEquals(Float.NaN, BFloat16.toFloat(b(0x7fc0)));
    }

    @Test
    void roundsToNearestWithTiesToEvenAsPyTorch() {
        assertEquals(b(0x3f80), BFloat16.fromFloat(1.0f));
        assertEquals(b(0xbf80), BFloat16.fromFloat(-1.0f));
        assertEquals(b(0x4049), BFloat16.fromFloat((float) Math.PI));  // 0x40490fdb: dropped 0x0fdb < half, down
        assertEquals(b(0x3dcd), BFloat16.fromFloat(0.1f));             // 0x3dcccccd: dropped 0xcccd > half, up
        // 1 + 2⁻⁸ = 0x3f808000 is half-way between 0x3f80 (even) and 0x3f81: down
        assertEquals(b(0x3f80), BFloat16.fromFloat(f(0x3f808000)));
        // 1 + 3·2⁻⁸ = 0x3f818000 is half-way between 0x3f81 and 0x3f82 (even): up
        assertEquals(b(0x3f82), BFloat16.fromFloat(f(0x3f818000)));
        assertEquals(b(0x3f81), BFloat16.fromFloat(f(0x3f808001)));    // just past the tie
        assertEquals(b(0x7f80), BFloat16.fromFloat(Float.MAX_VALUE));  // rounds up past the largest bf16
        assertEquals(b(0x7f7f), BFloat16.fromFloat(f(0x7f7f7fff)));
        assertEquals(b(0x7fc0), BFloat16.fromFloat(Float.NaN));
        assertEquals(b(0x7fc0), BFloat16.fromFloat(f(0xffc00001)));    // PyTorch makes every NaN 0x7fc0
    }

    @Test
    void everyBf16SurvivesARoundTripAndEveryTieGoesToEven() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            if ((bits & 0x7f80) == 0x7f80 && (bits & 0x7f) != 0) {
                continue; // NaN
            }
            assertEquals(b(bits), BFloat16.fromFloat(BFloat16.toFloat(b(bits))));
            if ((bits & 0x7fff) < 0x7f7f) {
                int tie = (bits << 16) | 0x8000;
                int even = (bits & 1) == 0 ? bits : bits + 1;
                assertEquals(b(even), BFloat16.fromFloat(f(tie)), Integer.toHexString(tie));
                assertEquals(b(bits), BFloat16.fromFloat(f(tie - 1)));
                assertEquals(b(bits + 1), BFloat16.fromFloat(f(tie + 1)));
            }
        }
    }
}
