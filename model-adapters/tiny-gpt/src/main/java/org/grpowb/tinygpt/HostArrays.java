package org.grpowb.tinygpt;

import ai.djl.ndarray.NDArray;

/**
 * Arrays made from Java data, made safe for the gradient tape.
 *
 * <p>On CPU, DJL's PyTorch engine wraps a Java direct buffer as the tensor's storage without copying, and only the
 * Java {@code NDArray} keeps that buffer alive. Autograd, however, may keep the tensor (an embedding's or a gather's
 * indices) until {@code backward}, after the Java array was closed: the buffer can then be garbage-collected and the
 * backward pass reads freed memory (seen as "index 140430189435776 is out of bounds"). Cloning gives the tensor
 * storage that PyTorch owns. The same holds for DJL's {@code mul(Number)}-style operators, whose scalar operand is
 * such an array closed right after the op; use {@link #scalar} on the tape instead.
 */
final class HostArrays {

    private HostArrays() {
    }

    /** A 0-dimensional array of {@code like}'s type holding {@code value}, in PyTorch-owned storage. */
    static NDArray scalar(NDArray like, double value) {
        try (NDArray wrapped = like.getManager().create(value)) {
            return wrapped.toType(like.getDataType(), true);
        }
    }

    /** A copy with PyTorch-owned storage; the wrapped original is closed. */
    static NDArray owned(NDArray wrapped) {
        NDArray copy = wrapped.duplicate();
        wrapped.close();
        return copy;
    }
}
