package org.grpowb.hf.safetensors;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Float16Test {

    private static short h(int bits) {
        return (short) bits;
    }

    @Test
    void readsNormalsSubnormalsInfinitiesAndNaN() {
        assertEquals(1.0f, Float16.toFloat(h(0x3c00)));
        assertEquals(-2.0f, Float16.toFloat(h(0xc000)));
        assertEquals(65504.0f, Float16.toFloat(h(0x7bff)));            // largest half
        assertEquals(0x1p-14f, Float16.toFloat(h(0x0400)));            // smallest normal
        assertEquals(0x1p-24f, Float16.toFloat(h(0x0001)));            // smallest subnormal, 5.96e-8
        assertEquals(1023 * 0x1p-24f, Float16.toFloat(h(0x03ff)));     // largest subnormal
        assertEquals(-3 * 0x1p-24f, Float16.toFloat(h(0x8003)));
        assertEquals(0.333251953125f, Float16.toFloat(h(0x3555)));     // 1/3 as numpy stores it
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(h(0x7c00)));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat(h(0xfc00)));
        assertTrue(Float.isNaN(Float16.toFloat(h(0x7e00))));
        assertTrue(Float.isNaN(Float16.toFloat(h(0x7c01))));           // the smallest NaN payload is no infinity
        assertEquals(0x80000000, Float.floatToRawIntBits(Float16.toFloat(h(0x8000))));  // −0 keeps its sign
    }

    @Test
    void roundsToNearestWithTiesToEven() {
        assertEquals(h(0x3c00), Float16.fromFloat(1.0f));
        // 1 + 2⁻¹¹ lies half-way between 1 (0x3c00, even) and 1 + 2⁻¹⁰ (0x3c01): down to the even one
        assertEquals(h(0x3c00), Float16.fromFloat(1 + 0x1p-11f));
        // 1 + 3·2⁻¹¹ lies half-way between 0x3c01 and 0x3c02 (even): up
        assertEquals(h(0x3c02), Float16.fromFloat(1 + 3 * 0x1p-11f));
        assertEquals(h(0x3c01), Float16.fromFloat(1 + 0x1p-11f + 0x1p-20f));  // just past the tie
        assertEquals(h(0x2e66), Float16.fromFloat(0.1f));              // 0.0999755859375, as numpy gives
        assertEquals(h(0xb555), Float16.fromFloat(-1 / 3f));
    }

    @Test
    void overflowsToInfinityFrom65520() {
        assertEquals(h(0x7bff), Float16.fromFloat(65504f));
        assertEquals(h(0x7bff), Float16.fromFloat(65519.99f));
        // 65520 is half-way between 65504 (mantissa all ones, odd) and 2¹⁶: to even, which is ∞
        assertEquals(h(0x7c00), Float16.fromFloat(65520f));
        assertEquals(h(0xfc00), Float16.fromFloat(-1e10f));
        assertEquals(h(0x7c00), Float16.fromFloat(Float.POSITIVE_INFINITY));
        assertEquals(h(0x7e00), (short) (Float16.fromFloat(Float.NaN) & 0x7e00));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.intBitsToFloat(0x7f800001)))));
    }

    @Test
    void roundsSubnormalsToNearestWithTiesToEven() {
        assertEquals(h(0x0001), Float16.fromFloat(0x1p-24f));
        assertEquals(h(0x0000), Float16.fromFloat(0x1p-25f));          // tie between 0 and 2⁻²⁴: to 0
        assertEquals(h(0x0002), Float16.fromFloat(3 * 0x1p-25f));      // tie between 1 and 2 units: to 2
        assertEquals(h(0x8001), Float16.fromFloat(-0x1.000002p-25f));  // just past the tie
        assertEquals(h(0x0400), Float16.fromFloat(0x1p-14f - 0x1p-26f)); // rounds up into the smallest normal
        assertEquals(h(0x8000), Float16.fromFloat(-1e-9f));
    }

    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            if ((bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0) {
                continue; // NaN
            }
            int at = bits;
            assertEquals(h(bits), Float16.fromFloat(Float16.toFloat(h(bits))), () -> Integer.toHexString(at));
        }
    }

    @Test
    void everyMidpointBetweenNeighboursGoesToTheEvenOne() {
        for (int bits = 0; bits < 0x7bff; bits++) {
            float low = Float16.toFloat(h(bits));
            float high = Float16.toFloat(h(bits + 1));
            float mid = (low + high) / 2;  // exact: halves have 11 significant bits, floats 24
            int even = (bits & 1) == 0 ? bits : bits + 1;
            int at = bits;
            assertEquals(h(even), Float16.fromFloat(mid), () -> "midpoint above " + Integer.toHexString(at));
            assertEquals(h(even | 0x8000), Float16.fromFloat(-mid));
            assertEquals(h(bits), Float16.fromFloat(Math.nextDown(mid)));
            assertEquals(h(bits + 1), Float16.fromFloat(Math.nextUp(mid)));
        }
    }
}
