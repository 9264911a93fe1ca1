package org.grpowb.variants;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import org.grpowb.api.OwnedArrays;

/**
 * Per-completion (row) reductions of (B, T) token arrays under the loss mask, shared by the sequence-level losses
 * (GSPO, DHPO, OPMD and AsymRE, LLDS).
 *
 * <p>Padding is replaced by 0 in log space <em>before</em> any {@code exp} or sum, so that whatever the engine pads
 * with (0, −∞) never reaches a value or a gradient as NaN: {@code where} routes the gradient of the padded branch
 * to the zeros, not to the −∞.
 */
final class MaskedRows {

    private MaskedRows() {
    }

    /** The array in the given data type; the same object when it already has it. */
    static NDArray as(NDArray x, DataType type) {
        return x.getDataType() == type ? x : x.toType(type, false);
    }

    /** x where the mask is set, 0 elsewhere, shape (B, T). */
    static NDArray zeroPadding(NDArray x, NDArray mask) {
        return NDArrays.where(mask.gt(0), x, x.zerosLike());
    }

    /** Σ_t x_{i,t} M_{i,t}, shape (B, 1); x must already be finite on padding. */
    static NDArray sum(NDArray x, NDArray mask) {
        return x.mul(mask).sum(new int[]{1}, true);
    }

    /** |y_i| = Σ_t M_{i,t}, shape (B, 1). */
    static NDArray lengths(NDArray mask) {
        return mask.sum(new int[]{1}, true);
    }

    /** Σ_t x M / max(|y_i|, 1), shape (B, 1): 0 for a fully masked row, never 0/0. */
    static NDArray mean(NDArray x, NDArray mask) {
        NDArray lengths = lengths(mask);
        return sum(x, mask).div(lengths.maximum(OwnedArrays.scalar(lengths, 1)));
    }

    /** 1 for rows with at least one masked token, 0 for fully masked rows, shape (B, 1), the mask's type. */
    static NDArray active(NDArray mask) {
        return lengths(mask).gt(0).toType(mask.getDataType(), false);
    }

    static double scalar(NDArray x) {
        return x.toType(DataType.FLOAT64, false).getDouble();
    }

    static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
    }
}
