package org.grpowb.hf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.grpowb.api.OwnedArrays;

/**
 * Rotary position embedding in transformers' half-split layout ({@code modeling_llama.py}: {@code rotate_half},
 * {@code apply_rotary_pos_emb}): for frequencies f_i (i &lt; d/2) the angle at position p is p · f_i, and
 * {@code x' = x · cos + rotate_half(x) · sin} with {@code cos = cat(cos(p·f), cos(p·f))} and
 * {@code rotate_half(x) = cat(−x[d/2:], x[:d/2])}, so dimensions i and i + d/2 rotate together. HF checkpoints are laid
 * out for this pairing (GGUF files, for one, are not).
 *
 * <p>The angles are taken in float32, as transformers multiplies float32 positions by float32 frequencies; cos and
 * sin of every position up to the context are tabulated once and gathered per row.
 */
final class RotaryTable implements AutoCloseable {

    private final NDArray cos;
    private final NDArray sin;

    /**
     * @param inverseFrequencies f_i for i &lt; d/2 (with any Llama 3 scaling already applied)
     * @param positions          how many positions to tabulate (the context length)
     */
    RotaryTable(NDManager manager, float[] inverseFrequencies, int positions, DataType type) {
        int half = inverseFrequencies.length;
        int d = 2 * half;
        float[] c = new float[positions * d];
        float[] s = new float[positions * d];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * inverseFrequencies[i];
                float cosine = (float) Math.cos(angle);
                float sine = (float) Math.sin(angle);
                c[p * d + i] = cosine;
                c[p * d + half + i] = cosine;
                s[p * d + i] = sine;
                s[p * d + half + i] = sine;
            }
        }
        this.cos = OwnedArrays.owned(manager.create(c, new Shape(positions, d)), type);
        this.sin = OwnedArrays.owned(manager.create(s, new Shape(positions, d)), type);
    }

    /** cos and sin at each position id, (B, 1, S, d), ready to broadcast over heads. */
    NDArray[] cosSin(NDArray positions, DataType type) {
        NDArray c = cos.get(positions).expandDims(1);
        NDArray s = sin.get(positions).expandDims(1);
        return new NDArray[] {c.getDataType() == type ? c : c.toType(type, false),
                s.getDataType() == type ? s : s.toType(type, false)};
    }

    /** x · cos + rotate_half(x) · sin for x of shape (B, heads, S, d). */
    static NDArray rotate(NDArray x, NDArray[] cosSin) {
        long d = x.getShape().get(3);
        NDArray first = x.get(":, :, :, :" + d / 2);
        NDArray second = x.get(":, :, :, " + d / 2 + ":");
        NDArray rotated = second.neg().concat(first, 3);
        return x.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
    }

    @Override
    public void close() {
        cos.close();
        sin.close();
    }
}
