package org.grpowb.hf.safetensors;

/**
 * bfloat16 (safetensors {@code BF16}) to and from fp32. Most Hugging Face checkpoints (Llama 3.x, Qwen2.5, SmolLM2)
 * are stored in bf16, and DJL's PyTorch engine cannot hold bf16 at all ({@code toType(BFLOAT16)} aborts the JVM),
 * so the conversion happens here in Java.
 *
 * <p>A bf16 is the top 16 bits of an fp32, so reading is exact. Writing rounds to nearest, ties to even, exactly as
 * PyTorch's {@code c10::BFloat16} does when casting fp32 to bf16 ({@code round_to_nearest_even}): add
 * {@code 0x7fff} plus the lowest kept bit, then truncate; every NaN becomes {@code 0x7fc0}.
 */
public final class BFloat16 {

    private BFloat16() {
    }

    /** The float that the bf16 with bits {@code b} stands for, exactly. */
    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** The bf16 nearest to {@code f}, ties to even, as PyTorch rounds; overflow becomes ±∞, NaN {@code 0x7fc0}. */
    public static short fromFloat(float f) {
        if (Float.isNaN(f)) {
            return (short) 0x7fc0;
        }
        int bits = Float.floatToRawIntBits(f);
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }
}
