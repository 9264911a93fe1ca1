package org.grpowb.hf.safetensors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Safetensors files put together byte by byte, independently of {@link SafetensorsWriter}. */
final class HandMadeFile {

    private HandMadeFile() {
    }

    /** The 8-byte little-endian length of {@code header}, the header's UTF-8 bytes, then {@code data}. */
    static Path write(Path file, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return write(file, h.length, h, data);
    }

    /** As {@link #write(Path, String, byte[])} with a stated header length, right or wrong. */
    static Path write(Path file, long headerLength, byte[] header, byte[] data) throws IOException {
        byte[] out = new byte[8 + header.length + data.length];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (headerLength >>> (8 * i));
        }
        System.arraycopy(header, 0, out, 8, header.length);
        System.arraycopy(data, 0, out, 8 + header.length, data.length);
        return Files.write(file, out);
    }

    /** Bytes written as ints, 0 to 255, so that hex literals need no casts. */
    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
