package org.grpowb.hf.safetensors;

/**
 * IEEE 754 binary16 ("half", safetensors {@code F16}) to and from fp32. Java 17 has no
 * {@code Float.float16ToFloat} (it came in Java 20), so both directions are written out here.
 *
 * <p>Half: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits; exponent 0 holds zero and the subnormals
 * {@code m · 2⁻²⁴}, exponent 31 holds ±∞ (mantissa 0) and NaN. Every half is exactly an fp32, so reading is exact;
 * writing rounds to nearest, ties to even, as PyTorch's {@code tensor.half()} and numpy's {@code astype(float16)} do.
 */
public final class Float16 {

    /** All 65536 halves as floats: reading a tensor is then one lookup per element. */
    private static final float[] TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < TO_FLOAT.length; h++) {
            TO_FLOAT[h] = decode(h);
        }
    }

    private Float16() {
    }

    /** The float that the half with bits {@code h} stands for, exactly (NaN payloads kept). */
    public static float toFloat(short h) {
        return TO_FLOAT[h & 0xffff];
    }

    private static float decode(int h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            // ±∞ and NaN: the all-ones exponent of fp32, mantissa moved to its top bits
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero and subnormals, m · 2⁻²⁴: exact in fp32 (m < 2¹⁰, and 2⁻²⁴ is far above fp32's range floor)
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // normal: rebias the exponent from 15 to 127
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }

    /**
     * The half nearest to {@code f}, ties to even; values from 65520 (half-way between the largest half, 65504, and
     * 2¹⁶) up become ∞. NaN stays NaN, with the top bits of its payload and the quiet bit set.
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude >= 0x7f800000) {
            return (short) (magnitude == 0x7f800000
                    ? sign | 0x7c00
                    : sign | 0x7c00 | 0x200 | ((magnitude >>> 13) & 0x3ff));
        }
        if (magnitude >= 0x477ff000) { // 65520
            return (short) (sign | 0x7c00);
        }
        if (magnitude >= 0x38800000) { // 2⁻¹⁴, the smallest normal half
            // drop 13 mantissa bits and rebias; a carry out of the mantissa correctly bumps the exponent
            int h = (magnitude - ((127 - 15) << 23)) >>> 13;
            int dropped = magnitude & 0x1fff;
            if (dropped > 0x1000 || (dropped == 0x1000 && (h & 1) != 0)) {
                h++;
            }
            return (short) (sign | h);
        }
        // subnormal (or rounds up to the smallest normal, 0x400): count units of 2⁻²⁴. The product is exact in
        // double, and Math.rint rounds half to even.
        int units = (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24);
        return (short) (sign | units);
    }
}
