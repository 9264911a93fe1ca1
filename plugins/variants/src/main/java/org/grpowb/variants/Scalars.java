package org.grpowb.variants;

import ai.djl.ndarray.NDArray;

/**
 * Scalar operands for arrays on the gradient tape.
 *
 * <p>DJL's {@code mul(Number)}, {@code div(Number)}, {@code sub(Number)}, {@code maximum(Number)} … wrap the number in
 * a tensor over a Java direct buffer ({@code torch.from_blob}) and close it right after the op, while autograd keeps
 * that tensor for the backward pass: once a garbage collection frees the buffer, {@code backward} reads freed memory
 * (seen as sporadic NaN or wrong gradients). A scalar made here lives in storage PyTorch allocated, so autograd's
 * reference keeps it valid. {@code clip(Number, Number)} is safe (DJL hands the bounds to {@code torch.clamp} as C++
 * scalars), and so are comparisons such as {@code gt(0)}, whose results carry no gradient.
 * {@code GarbageCollectionDuringBackwardTest} holds every registered loss to this.
 */
final class Scalars {

    private Scalars() {
    }

    /** A 0-dimensional array of {@code like}'s type and manager holding {@code value}, in PyTorch-owned memory. */
    static NDArray of(NDArray like, double value) {
        try (NDArray wrapped = like.getManager().create(value)) {
            // toType returns the very tensor over the Java buffer when the type already matches (float64), so it is
            // no copy; duplicate() allocates through PyTorch and copies the value in
            NDArray typed = wrapped.toType(like.getDataType(), false);
            try {
                return typed.duplicate();
            } finally {
                if (typed != wrapped) {
                    typed.close();
                }
            }
        }
    }
}
