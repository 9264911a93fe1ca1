package org.grpowb.variants;

import ai.djl.ndarray.NDArray;

/**
 * Scalar operands for arrays on the gradient tape.
 *
 * <p>DJL's {@code mul(Number)}, {@code div(Number)} and {@code maximum(Number)} wrap the number in a tensor backed by
 * a Java buffer and close it right after the op, while autograd keeps that tensor for the backward pass: a garbage
 * collection in between lets {@code backward} read freed memory (seen as sporadic NaN gradients). A scalar made here
 * owns PyTorch memory, so autograd's reference keeps it valid.
 */
final class Scalars {

    private Scalars() {
    }

    /** A 0-dimensional array of {@code like}'s type and manager holding {@code value}, in PyTorch-owned memory. */
    static NDArray of(NDArray like, double value) {
        try (NDArray wrapped = like.getManager().create(value)) {
            return wrapped.toType(like.getDataType(), true);
        }
    }
}
