package org.grpowb.hf.safetensors;

import org.grpowb.hf.safetensors.SafetensorsWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.grpowb.hf.safetensors.HandMadeFile.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private static final float[] ZERO_TO_FIVE = {0, 1, 2, 3, 4, 5};
    /** 0, 1, 2, 3, 4, 5 as little-endian fp32. */
    private static final byte[] ZERO_TO_FIVE_BYTES = bytes(
            0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40);

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Stream.of(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The byte layout of the reference implementation's own serialisation tests, spelled out. */
    @Test
    void writesTheReferenceImplementationsBytes() throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter(Dtype.F32, Map.of());
        Path a = dir.resolve("a.safetensors");
        writer.write(a, List.of(Tensor.of("attn.0", new long[]{1, 2, 3}, ZERO_TO_FIVE)));
        // a 64-byte header needs no padding
        assertArrayEquals(concat(bytes(64, 0, 0, 0, 0, 0, 0, 0),
                ascii("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"),
                ZERO_TO_FIVE_BYTES), Files.readAllBytes(a));

        Path b = dir.resolve("b.safetensors");
        writer.write(b, List.of(Tensor.of("attn0", new long[]{1, 1, 2, 3}, ZERO_TO_FIVE)));
        // 65 bytes of JSON, padded with 7 spaces to 72 so that the data starts at byte 80, a multiple of 8
        assertArrayEquals(concat(bytes(72, 0, 0, 0, 0, 0, 0, 0),
                ascii("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       "),
                ZERO_TO_FIVE_BYTES), Files.readAllBytes(b));

        Path empty = dir.resolve("empty.safetensors");
        writer.write(empty, List.of());
        assertArrayEquals(concat(bytes(8, 0, 0, 0, 0, 0, 0, 0), ascii("{}      ")), Files.readAllBytes(empty));
    }

    @Test
    void writesMetadataFirstAsTransformersDoes() throws IOException {
        Path file = dir.resolve("pt.safetensors");
        new SafetensorsWriter(Dtype.BF16, SafetensorsWriter.PT_METADATA)
                .write(file, List.of(Tensor.of("w", new long[]{1}, new float[]{1})));
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"BF16\",\"shape\":[1],"
                + "\"data_offsets\":[0,2]}}";  // 86 bytes, padded with 2 spaces to 88
        assertArrayEquals(concat(bytes(88, 0, 0, 0, 0, 0, 0, 0), ascii(header + "  "), bytes(0x80, 0x3f)),
                Files.readAllBytes(file));
        try (SafetensorsFile f = new SafetensorsFile(file)) {
            assertEquals(Map.of("format", "pt"), f.metadata());
        }
    }

    @Test
    void roundTripsF32BitForBit() throws IOException {
        float[] values = {0f, -0f, 1.5f, -0.1f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00001), 0.3333333f,
                (float) Math.PI};
        float[] ramp = new float[1000];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (float) Math.sin(i) * 1e-3f;
        }
        Path file = dir.resolve("f32.safetensors");
        new SafetensorsWriter(Dtype.F32, SafetensorsWriter.PT_METADATA).write(file, List.of(
                Tensor.of("values", new long[]{3, 4}, values),
                Tensor.of("ramp", new long[]{10, 10, 10}, ramp)));
        try (SafetensorsFile f = new SafetensorsFile(file, 64)) {
            assertEquals(List.of("values", "ramp"), f.names());
            assertEquals(new TensorInfo("ramp", Dtype.F32, new long[]{10, 10, 10}, 48, 4048), f.info("ramp"));
            assertBitsEqual(values, f.readFloats("values"));
            assertBitsEqual(ramp, f.readFloats("ramp"));
        }
    }

    @Test
    void roundsToBf16AsPyTorchDoes() throws IOException {
        float[] in = {
                1f,
                Float.intBitsToFloat(0x3f808000),  // 1 + 2⁻⁸, a tie: to even 1
                Float.intBitsToFloat(0x3f818000),  // 1 + 3·2⁻⁸, a tie: to even 1.015625
                Float.intBitsToFloat(0x3f808001),  // just past a tie: 1.0078125
                (float) Math.PI,                   // 3.140625
                0.1f,                              // 0x3dcd: 0.10009765625
                -3.4e38f};                         // past the largest bf16 (3.3895e38) and the tie: −∞
        float[] expected = {1f, 1f, 1.015625f, 1.0078125f, 3.140625f, 0.10009765625f, Float.NEGATIVE_INFINITY};
        Path file = dir.resolve("bf16.safetensors");
        new SafetensorsWriter(Dtype.BF16, Map.of()).write(file, List.of(Tensor.of("w", new long[]{7}, in)));
        try (SafetensorsFile f = new SafetensorsFile(file)) {
            assertEquals(Dtype.BF16, f.info("w").dtype());
            assertEquals(14, f.info("w").byteSize());
            assertArrayEquals(expected, f.readFloats("w"));
            ByteBuffer raw = ByteBuffer.allocate(14);
            f.readBytes("w", raw);
            assertArrayEquals(bytes(0x80, 0x3f, 0x80, 0x3f, 0x82, 0x3f, 0x81, 0x3f, 0x49, 0x40, 0xcd, 0x3d, 0x80, 0xff),
                    raw.array());
        }
    }

    @Test
    void roundsToF16ToNearestEven() throws IOException {
        float[] in = {1f, 1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 0.1f, 65520f, 0x1p-25f, 3 * 0x1p-25f, -1 / 3f};
        float[] expected = {1f, 1f, 1.001953125f, 0.0999755859375f, Float.POSITIVE_INFINITY, 0f, 0x1p-23f,
                -0.333251953125f};
        Path file = dir.resolve("f16.safetensors");
        new SafetensorsWriter(Dtype.F16, Map.of()).write(file, List.of(Tensor.of("w", new long[]{2, 4}, in)));
        try (SafetensorsFile f = new SafetensorsFile(file)) {
            assertEquals(Dtype.F16, f.info("w").dtype());
            assertArrayEquals(expected, f.readFloats("w"));
        }
    }

    @Test
    void writesTensorsLargerThanItsBufferInOrder() throws IOException {
        float[] big = new float[300_001];
        for (int i = 0; i < big.length; i++) {
            big[i] = i;
        }
        Path file = dir.resolve("big.safetensors");
        new SafetensorsWriter(Dtype.BF16, Map.of()).write(file, List.of(
                Tensor.of("small", new long[]{1}, new float[]{-1}),
                Tensor.of("big", new long[]{big.length}, big)));
        try (SafetensorsFile f = new SafetensorsFile(file)) {
            float[] back = f.readFloats("big");
            for (int i = 0; i < big.length; i++) {
                assertEquals(BFloat16.toFloat(BFloat16.fromFloat(i)), back[i], "element " + i);
            }
            assertEquals(new TensorInfo("small", Dtype.BF16, new long[]{1}, 0, 2), f.info("small"));
        }
    }

    @Test
    void asksForEachTensorsDataOnceWhenItsTurnComes() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        Tensor lazy = new Tensor("lazy", new long[]{2}, () -> {
            calls.incrementAndGet();
            return new float[]{7, 8};
        });
        new SafetensorsWriter(Dtype.F32, Map.of()).write(dir.resolve("lazy.safetensors"), List.of(lazy));
        assertEquals(1, calls.get());
    }

    @Test
    void replacesAFileAtomicallyAndLeavesItAloneOnFailure() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter(Dtype.F32, Map.of());
        writer.write(file, List.of(Tensor.of("a", new long[]{1}, new float[]{1})));
        writer.write(file, List.of(Tensor.of("a", new long[]{1}, new float[]{2})));
        byte[] before = Files.readAllBytes(file);

        Tensor wrongLength = new Tensor("b", new long[]{3}, () -> new float[]{1, 2});
        assertThrows(IllegalArgumentException.class, () -> writer.write(file,
                List.of(Tensor.of("a", new long[]{1}, new float[]{3}), wrongLength)));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());  // no temporary file left behind
        }
        try (SafetensorsFile f = new SafetensorsFile(file)) {
            assertArrayEquals(new float[]{2}, f.readFloats("a"));
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter(Dtype.I64, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of("a", new long[]{2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of("a", new long[]{-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of("__metadata__", new long[]{1}, new float[1]));
        SafetensorsWriter writer = new SafetensorsWriter(Dtype.F32, Map.of());
        assertThrows(IllegalArgumentException.class, () -> writer.write(dir.resolve("twice.safetensors"), List.of(
                Tensor.of("a", new long[]{1}, new float[1]), Tensor.of("a", new long[]{1}, new float[1]))));
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }
}
