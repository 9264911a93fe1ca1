package org.grpowb.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Arrays made from Java values, in memory that PyTorch owns, for use on the gradient tape.
 *
 * <p>On CPU, DJL's PyTorch engine wraps a Java direct buffer as a new array's storage without copying, and only the Java
 * {@code NDArray} keeps that buffer alive; DJL's {@code mul(Number)}-style operators make such an array for their
 * scalar and close it right after the op. Autograd, however, may keep the operand until {@code backward}: a garbage
 * collection in between lets backward read freed memory (seen as NaN gradients and "index ... out of bounds"). A copy
 * made here is PyTorch's own, so autograd's reference keeps it valid. A model or a loss plugin should make every
 * scalar operand and every index array (token ids, positions) that meets a parameter this way. {@code clip(Number,
 * Number)} is safe (DJL hands the bounds to {@code torch.clamp} as C++ scalars), and so are comparisons such as
 * {@code gt(0)}, whose results carry no gradient. The variants' {@code GarbageCollectionDuringBackwardTest} holds every
 * registered loss to this.
 */
public final class OwnedArrays {

    private OwnedArrays() {
    }

    /** A 0-dimensional array of {@code like}'s type and manager holding {@code value}. */
    public static NDArray scalar(NDArray like, double value) {
        return owned(like.getManager().create(value), like.getDataType());
    }

    /** A copy of {@code wrapped} in {@code type}, in PyTorch-owned storage; {@code wrapped} is closed. */
    public static NDArray owned(NDArray wrapped, DataType type) {
        try (wrapped) {
            // an array already of the type is cloned: toType(type, true) can hand back a view of the same Java buffer
            return wrapped.getDataType() == type ? wrapped.duplicate() : wrapped.toType(type, true);
        }
    }
}
