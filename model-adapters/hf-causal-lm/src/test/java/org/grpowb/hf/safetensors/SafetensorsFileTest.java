package org.grpowb.hf.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.grpowb.hf.safetensors.HandMadeFile.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    /** Four tensors, 34 bytes of data, every byte spelled out. */
    private static final String HEADER = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"w32\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"h16\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[8,20]},"
            + "\"b16\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[20,26]},"
            + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[26,34]}}";
    private static final byte[] DATA = bytes(
            0x00, 0x00, 0xc0, 0x3f,  0xcd, 0xcc, 0xcc, 0xbd,    // F32 1.5 (0x3fc00000), −0.1 (0xbdcccccd)
            0x00, 0x3c,  0x00, 0xc0,  0x01, 0x00,                 // F16 1, −2, 2⁻²⁴ (smallest subnormal)
            0xff, 0x03,  0x00, 0x7c,  0x00, 0xfc,                 // F16 1023·2⁻²⁴ (largest subnormal), +∞, −∞
            0x80, 0x3f,  0x49, 0xc0,  0x01, 0x00,                 // BF16 1, −3.140625, 2⁻¹³³
            0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);    // I64 7

    private Path handMade() throws IOException {
        return HandMadeFile.write(dir.resolve("hand.safetensors"), HEADER, DATA);
    }

    private static final float[] W32 = {1.5f, -0.1f};
    private static final float[] H16 = {1, -2, 0x1p-24f, 1023 * 0x1p-24f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    private static final float[] B16 = {1, -3.140625f, 0x1p-133f};

    @Test
    void readsAFileWrittenByHand() throws IOException {
        try (SafetensorsFile f = new SafetensorsFile(handMade())) {
            assertEquals(List.of("w32", "h16", "b16", "ids"), f.names());
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(8 + HEADER.length(), f.dataStart());
            assertEquals(new TensorInfo("h16", Dtype.F16, new long[]{2, 3}, 8, 20), f.info("h16"));
            assertEquals(6, f.info("h16").elements());
            assertArrayEquals(W32, f.readFloats("w32"));
            assertArrayEquals(H16, f.readFloats("h16"));
            assertArrayEquals(B16, f.readFloats("b16"));
        }
    }

    @Test
    void reportsOtherDtypesWithoutConvertingThem() throws IOException {
        try (SafetensorsFile f = new SafetensorsFile(handMade())) {
            TensorInfo ids = f.info("ids");
            assertEquals(Dtype.I64, ids.dtype());
            assertEquals(8, ids.byteSize());
            ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            f.readBytes("ids", raw);
            assertEquals(7L, raw.getLong(0));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.readFloats("ids"));
            assertMessage(e, "hand.safetensors", "\"ids\"", "I64");
            assertEquals("ids", e.tensor());
        }
    }

    @Test
    void readsIntoAnArrayAtAnOffsetAndIntoABuffer() throws IOException {
        try (SafetensorsFile f = new SafetensorsFile(handMade())) {
            float[] target = new float[9];
            f.readFloats("b16", target, 5);
            assertArrayEquals(new float[]{0, 0, 0, 0, 0, 1, -3.140625f, 0x1p-133f, 0}, target);
            assertThrows(IllegalArgumentException.class, () -> f.readFloats("b16", target, 7));

            FloatBuffer buffer = ByteBuffer.allocateDirect(4 * 8).order(ByteOrder.nativeOrder()).asFloatBuffer();
            f.readFloats("w32", buffer);
            f.readFloats("h16", buffer);
            assertEquals(8, buffer.position());
            assertEquals(-0.1f, buffer.get(1));
            assertEquals(Float.NEGATIVE_INFINITY, buffer.get(7));
        }
    }

    /** With segments of 1 to 9 bytes every tensor, and many single elements, straddle a segment boundary. */
    @Test
    void readsTensorsThatStraddleTinySegments() throws IOException {
        Path file = handMade();
        for (int segment = 1; segment <= 9; segment++) {
            try (SafetensorsFile f = new SafetensorsFile(file, segment)) {
                assertArrayEquals(W32, f.readFloats("w32"), "segment " + segment);
                assertArrayEquals(H16, f.readFloats("h16"), "segment " + segment);
                assertArrayEquals(B16, f.readFloats("b16"), "segment " + segment);
                ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                f.readBytes("ids", raw);
                assertEquals(7L, raw.getLong(0));
            }
        }
    }

    /**
     * A 2-byte BF16 tensor first puts the big F32 tensor at data offset 2, so with segments of 4093 bytes (a prime)
     * many floats and halves are cut in two; over 1 MiB, the tensors are also read in several chunks.
     */
    @Test
    void readsLargeTensorsAcrossSegmentsAndChunks() throws IOException {
        int n = 300_007;
        String header = "{\"one\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[0,2]},"
                + "\"big\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":[2," + (2 + 4L * n) + "]},"
                + "\"half\":{\"dtype\":\"F16\",\"shape\":[" + n + "],\"data_offsets\":[" + (2 + 4L * n) + ","
                + (2 + 6L * n) + "]}}";
        ByteBuffer data = ByteBuffer.allocate(2 + 6 * n).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x4040);                           // bf16 3.0
        for (int i = 0; i < n; i++) {
            data.putFloat(i * 0.25f - 1000);
        }
        for (int i = 0; i < n; i++) {
            data.putShort((short) (i & 0x7bff));                 // every finite positive half, over and over
        }
        Path file = HandMadeFile.write(dir.resolve("big.safetensors"), header, data.array());
        try (SafetensorsFile f = new SafetensorsFile(file, 4093)) {
            assertArrayEquals(new float[]{3}, f.readFloats("one"));
            float[] big = f.readFloats("big");
            float[] half = f.readFloats("half");
            for (int i = 0; i < n; i++) {
                assertEquals(i * 0.25f - 1000, big[i], "big " + i);
                assertEquals(Float16.toFloat((short) (i & 0x7bff)), half[i], "half " + i);
            }
        }
    }

    @Test
    void readsScalarsEmptyTensorsAndFilesWithoutTensors() throws IOException {
        Path file = HandMadeFile.write(dir.resolve("odd.safetensors"),
                "{\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[0,0]},"
                        + "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}  ",
                bytes(0x00, 0x00, 0x80, 0xbf));
        try (SafetensorsFile f = new SafetensorsFile(file)) {
            assertArrayEquals(new float[0], f.readFloats("empty"));
            assertArrayEquals(new float[]{-1}, f.readFloats("scalar"));
            assertEquals(Map.of(), f.metadata());
        }
        Path none = HandMadeFile.write(dir.resolve("none.safetensors"), "{}      ", new byte[0]);
        try (SafetensorsFile f = new SafetensorsFile(none)) {
            assertEquals(List.of(), f.names());
        }
    }

    @Test
    void refusesReadsAfterClose() throws IOException {
        SafetensorsFile f = new SafetensorsFile(handMade());
        f.close();
        assertThrows(IllegalStateException.class, () -> f.readFloats("w32"));
    }

    @Test
    void namesFileAndTensorWhenATensorIsMissing() throws IOException {
        try (SafetensorsFile f = new SafetensorsFile(handMade())) {
            assertFalse(f.contains("lm_head.weight"));
            assertTrue(f.find("lm_head.weight").isEmpty());
            assertMessage(assertThrows(SafetensorsException.class, () -> f.info("lm_head.weight")),
                    "hand.safetensors", "\"lm_head.weight\"", "no such tensor");
        }
    }

    // ---- corrupt files: each message names the file, the tensor where there is one, and the field ----

    @Test
    void rejectsAFileShorterThanTheHeaderLength() throws IOException {
        Path file = java.nio.file.Files.write(dir.resolve("short.safetensors"), bytes(1, 0, 0));
        assertFails(file, null, "short.safetensors", "3 bytes", "8-byte header length");
    }

    @Test
    void rejectsAHeaderLengthBeyondTheFile() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.US_ASCII);
        assertFails(HandMadeFile.write(dir.resolve("long.safetensors"), 1000, header, new byte[0]), null,
                "long.safetensors", "header length 1000", "runs past the end of the file (10 bytes)");
        assertFails(HandMadeFile.write(dir.resolve("huge.safetensors"), -1, header, new byte[0]), null,
                "huge.safetensors", "header length 18446744073709551615", "limit");
    }

    @Test
    void rejectsAHeaderThatIsNotJson() throws IOException {
        assertFails(HandMadeFile.write(dir.resolve("text.safetensors"), "{\"a\": [", new byte[0]), null,
                "text.safetensors", "not JSON");
        assertFails(HandMadeFile.write(dir.resolve("trail.safetensors"), "{} x", new byte[0]), null,
                "trail.safetensors", "not JSON");
        assertFails(HandMadeFile.write(dir.resolve("array.safetensors"), "[1, 2]  ", new byte[0]), null,
                "array.safetensors", "not an object");
        assertFails(HandMadeFile.write(dir.resolve("latin1.safetensors"), 4, bytes('{', '"', 0xe9, '}'),
                new byte[0]), null, "latin1.safetensors", "not UTF-8");
    }

    @Test
    void rejectsATensorNamedTwice() throws IOException {
        String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertFails(HandMadeFile.write(dir.resolve("twice.safetensors"), "{\"a\":" + entry + ",\"a\":" + entry + "}",
                new byte[4]), null, "twice.safetensors", "not JSON", "Duplicate field 'a'");
    }

    @Test
    void rejectsOffsetsOutsideTheDataRegionAsATruncatedFile() throws IOException {
        Path file = HandMadeFile.write(dir.resolve("cut.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"model.norm.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                new byte[10]);
        assertFails(file, "model.norm.weight", "cut.safetensors", "\"model.norm.weight\"", "data_offsets",
                "[4, 12]", "10 bytes", "truncated");
    }

    @Test
    void rejectsOverlappingTensorsNamingBoth() throws IOException {
        Path file = HandMadeFile.write(dir.resolve("overlap.safetensors"),
                "{\"q\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"k\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                new byte[12]);
        assertFails(file, "k", "overlap.safetensors", "\"k\"", "\"q\"", "data_offsets", "overlap");
    }

    @Test
    void rejectsOffsetsThatDisagreeWithShapeAndDtype() throws IOException {
        Path file = HandMadeFile.write(dir.resolve("size.safetensors"),
                "{\"v\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", new byte[8]);
        assertFails(file, "v", "size.safetensors", "\"v\"", "data_offsets", "hold 8 bytes", "[2, 3] of BF16",
                "needs 12");
        Path backwards = HandMadeFile.write(dir.resolve("backwards.safetensors"),
                "{\"v\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[8,0]}}", new byte[8]);
        assertFails(backwards, "v", "backwards.safetensors", "data_offsets", "ends before it begins");
        Path overflow = HandMadeFile.write(dir.resolve("overflow.safetensors"),
                "{\"v\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", new byte[8]);
        assertFails(overflow, "v", "overflow.safetensors", "\"shape\"", "overflow");
    }

    @Test
    void rejectsAnUnknownDtypeNamingIt() throws IOException {
        Path file = HandMadeFile.write(dir.resolve("dtype.safetensors"),
                "{\"v\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", new byte[16]);
        assertFails(file, "v", "dtype.safetensors", "\"v\"", "\"dtype\"", "F128");
        Path missing = HandMadeFile.write(dir.resolve("nodtype.safetensors"),
                "{\"v\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        assertFails(missing, "v", "nodtype.safetensors", "\"dtype\" is missing");
    }

    @Test
    void rejectsMalformedShapesOffsetsAndMetadata() throws IOException {
        assertFails(HandMadeFile.write(dir.resolve("neg.safetensors"),
                        "{\"v\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]), "v",
                "neg.safetensors", "\"shape\"", "-1");
        assertFails(HandMadeFile.write(dir.resolve("real.safetensors"),
                        "{\"v\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", new byte[4]), "v",
                "real.safetensors", "\"shape\"", "1.0");
        assertFails(HandMadeFile.write(dir.resolve("three.safetensors"),
                        "{\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[8]), "v",
                "three.safetensors", "\"data_offsets\"", "2 integers");
        assertFails(HandMadeFile.write(dir.resolve("entry.safetensors"), "{\"v\":[1]}", new byte[0]), "v",
                "entry.safetensors", "not an object");
        assertFails(HandMadeFile.write(dir.resolve("meta.safetensors"), "{\"__metadata__\":{\"step\":3}}",
                new byte[0]), null, "meta.safetensors", "__metadata__", "\"step\"", "not a string");
    }

    private static void assertFails(Path file, String tensor, String... fragments) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> new SafetensorsFile(file).close());
        assertMessage(e, fragments);
        assertEquals(file, e.file());
        if (tensor == null) {
            assertNull(e.tensor());
        } else {
            assertEquals(tensor, e.tensor());
        }
    }

    static void assertMessage(Exception e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "\"" + fragment + "\" not in: " + e.getMessage());
        }
    }
}
