package org.grpowb.hf.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file or checkpoint index whose content is wrong: a header that is not JSON, offsets that run past the
 * data or overlap, a shape that does not match its byte count, a dtype that cannot be read as floats, a tensor that an
 * index lists but its shard lacks. It is an {@link IOException} because the fault lies in what was read from disk, and
 * callers that load a model already handle I/O failures; mistakes in arguments (a target array too small, a tensor
 * given to the writer whose data does not fill its shape) are {@link IllegalArgumentException}s instead.
 *
 * <p>The message always begins with the file, then the tensor where one is concerned:
 * {@code /m/model.safetensors: tensor "model.norm.weight": field "shape": ...}.
 */
public final class SafetensorsException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    /**
     * @param file    the file whose content is wrong
     * @param tensor  the tensor concerned, or null when the fault is the file's as a whole
     * @param message what is wrong, naming the header field where one is concerned
     */
    public SafetensorsException(Path file, String tensor, String message) {
        this(file, tensor, message, null);
    }

    public SafetensorsException(Path file, String tensor, String message, Throwable cause) {
        super(file + ": " + (tensor == null ? "" : "tensor \"" + tensor + "\": ") + message, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** The file whose content is wrong. */
    public Path file() {
        return file;
    }

    /** The tensor concerned, or null when the fault is the file's as a whole. */
    public String tensor() {
        return tensor;
    }
}
