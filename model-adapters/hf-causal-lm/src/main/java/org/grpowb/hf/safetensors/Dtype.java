package org.grpowb.hf.safetensors;

import java.util.Optional;

/**
 * The element types a safetensors header may name, spelled as in the header, with their width in bits as the
 * reference implementation ({@code huggingface/safetensors}, {@code Dtype::bitsize}) gives it. F4 and F6 pack
 * several elements per byte, so sizes are counted in bits and a tensor's byte count must come out whole.
 * Only {@link #F32}, {@link #F16} and {@link #BF16} are converted to floats; the others are reported as they are.
 */
public enum Dtype {
    BOOL(8, false),
    F4(4, true),
    F6_E2M3(6, true),
    F6_E3M2(6, true),
    U8(8, false),
    I8(8, false),
    F8_E5M2(8, true),
    F8_E4M3(8, true),
    F8_E8M0(8, true),
    I16(16, false),
    U16(16, false),
    F16(16, true),
    BF16(16, true),
    I32(32, false),
    U32(32, false),
    F32(32, true),
    C64(64, false),
    F64(64, true),
    I64(64, false),
    U64(64, false);

    private final int bits;
    private final boolean floatingPoint;

    Dtype(int bits, boolean floatingPoint) {
        this.bits = bits;
        this.floatingPoint = floatingPoint;
    }

    /** Width of one element in bits. */
    public int bits() {
        return bits;
    }

    /** A real floating-point type (C64, a complex type, is not). */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** One of the three types {@link SafetensorsFile#readFloats(String)} converts: F32, F16 and BF16. */
    public boolean isReadableAsFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /**
     * Bytes that {@code elements} elements take.
     *
     * @throws ArithmeticException when the count overflows a long or does not fill whole bytes (F4, F6)
     */
    public long byteSize(long elements) {
        long totalBits = Math.multiplyExact(elements, (long) bits);
        if (totalBits % 8 != 0) {
            throw new ArithmeticException(elements + " elements of " + this + " take " + totalBits
                    + " bits, not a whole number of bytes");
        }
        return totalBits / 8;
    }

    /** The dtype a header spells {@code name}, if it is one the format defines. */
    public static Optional<Dtype> parse(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
