package org.grpowb.hf.config;

/**
 * The inverse frequencies of the rotary position embedding, in float32 exactly as transformers holds them in the
 * {@code inv_freq} buffer: position p turns the pair (i, i + d/2) of every query and key head by the angle
 * p · inv_freq[i].
 *
 * <p>Source: transformers' {@code modeling_rope_utils.py}, {@code _compute_default_rope_parameters} and
 * {@code _compute_llama3_parameters} (read at huggingface/transformers commits 0044e3b and ef46806; the latter takes
 * d from {@code config.head_dim} when there is one, as used here, where the older one took hidden / heads). The
 * torch expression is {@code 1.0 / (base ** (arange(0, d, 2).float() / d))}: every step is float32, and
 * {@code scalar / tensor} is {@code tensor.reciprocal() * scalar} ({@code torch/_tensor.py}, {@code __rdiv__}), so
 * each step is reproduced here as one correctly rounded float operation. The one step that cannot be pinned to the
 * bit is the power: torch's CPU kernel (SLEEF, within 1 ulp) may differ in the last bit from the correctly rounded
 * {@code (float) StrictMath.pow} used here, for some θ and d; for θ a power of ten and d = 8 all are exact.
 */
public final class RopeFrequencies {

    private RopeFrequencies() {
    }

    /** The frequencies a config asks for: θ over {@code headDim}, then Llama 3's scaling when it has one. */
    public static float[] of(HfConfig config) {
        float[] inv = standard(config.ropeTheta(), config.headDim());
        return config.ropeScaling() == null ? inv : llama3(inv, config.ropeScaling());
    }

    /**
     * The original RoPE frequencies inv_freq[i] = 1 / θ^(2i/d), i &lt; d/2 (Su et al. 2021, RoFormer), rounded as
     * transformers' float32 computation rounds them.
     */
    public static float[] standard(double theta, int dim) {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("rotary dimension must be positive and even: " + dim);
        }
        float base = (float) theta;
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            float power = (float) StrictMath.pow(base, exponent);
            inv[i] = 1f / power;
        }
        return inv;
    }

    /**
     * Llama 3.1's frequency scaling ({@code rope_type: llama3}). With wavelen = 2π / inv_freq and L the original
     * context: a wavelength shorter than L / high_freq_factor keeps its frequency; one longer than L / low_freq_factor
     * has it divided by {@code factor}; in between, with s = (L / wavelen − low) / (high − low), the frequency is
     * (1 − s) · inv / factor + s · inv. Each step is the float32 operation transformers' torch code performs, in its
     * order (CPU semantics: the division by (high − low) is a true division, which CUDA would do as a multiplication
     * by the reciprocal).
     */
    public static float[] llama3(float[] invFreq, HfConfig.RopeScaling scaling) {
        float factor = (float) scaling.factor();
        float low = (float) scaling.lowFreqFactor();
        float high = (float) scaling.highFreqFactor();
        float context = (float) scaling.originalMaxPositionEmbeddings();
        float lowFreqWavelen = (float) (scaling.originalMaxPositionEmbeddings() / scaling.lowFreqFactor());
        float highFreqWavelen = (float) (scaling.originalMaxPositionEmbeddings() / scaling.highFreqFactor());
        float twoPi = (float) (2 * Math.PI);
        float highMinusLow = (float) (scaling.highFreqFactor() - scaling.lowFreqFactor());

        float[] scaled = new float[invFreq.length];
        for (int i = 0; i < invFreq.length; i++) {
            float inv = invFreq[i];
            float wavelen = (1f / inv) * twoPi;
            if (wavelen < highFreqWavelen) {
                scaled[i] = inv;
            } else if (wavelen > lowFreqWavelen) {
                scaled[i] = inv / factor;
            } else {
                float smooth = ((1f / wavelen) * context - low) / highMinusLow;
                scaled[i] = (1f - smooth) * inv / factor + smooth * inv;
            }
        }
        return scaled;
    }
}
