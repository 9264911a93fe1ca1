package org.grpowb.hf.safetensors;

import org.grpowb.hf.safetensors.SafetensorsWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.grpowb.hf.safetensors.SafetensorsFileTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsCheckpointTest {

    @TempDir
    Path dir;

    /** Five tensors of 4, 3, 2, 6 and 1 floats: 16 bytes, 12, 8, 24 and 4 in F32. */
    private static List<Tensor> fiveTensors() {
        return List.of(
                Tensor.of("model.embed_tokens.weight", new long[]{2, 2}, new float[]{1, 2, 3, 4}),
                Tensor.of("model.norm.weight", new long[]{3}, new float[]{0.5f, -0.5f, 0.25f}),
                Tensor.of("model.layers.0.self_attn.q_proj.bias", new long[]{2}, new float[]{-1, 1}),
                Tensor.of("lm_head.weight", new long[]{2, 3}, new float[]{6, 5, 4, 3, 2, 1}),
                Tensor.of("model.layers.0.input_layernorm.weight", new long[]{}, new float[]{9}));
    }

    @Test
    void opensASingleFile() throws IOException {
        new SafetensorsWriter(Dtype.BF16, SafetensorsWriter.PT_METADATA)
                .write(dir.resolve("model.safetensors"), fiveTensors());
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertFalse(c.sharded());
            assertEquals(1, c.files().size());
            assertEquals(fiveTensors().stream().map(Tensor::name).toList(), c.names());
            assertEquals(Dtype.BF16, c.dtype());
            assertArrayEquals(new float[]{6, 5, 4, 3, 2, 1}, c.readFloats("lm_head.weight"));
            assertMessage(assertThrows(SafetensorsException.class, () -> c.info("model.layers.1.mlp.up_proj.weight")),
                    "model.safetensors", "\"model.layers.1.mlp.up_proj.weight\"", "no such tensor");
        }
    }

    /**
     * With at most 30 bytes a shard: 16 + 12 = 28 fit the first, 8 would make 36, so shard 2 takes 8 and then 24
     * would make 32, so shard 3 takes 24 + 4 = 28. 64 bytes in all.
     */
    @Test
    void roundTripsAShardedCheckpointWithItsIndex() throws IOException {
        List<Path> written = new SafetensorsWriter(Dtype.F32, SafetensorsWriter.PT_METADATA)
                .writeSharded(dir, fiveTensors(), 30);
        assertEquals(List.of(dir.resolve("model-00001-of-00003.safetensors"),
                dir.resolve("model-00002-of-00003.safetensors"), dir.resolve("model-00003-of-00003.safetensors"),
                dir.resolve("model.safetensors.index.json")), written);
        // as transformers writes it: json.dumps(index, indent=2, sort_keys=True) + "\n"
        assertEquals("""
                {
                  "metadata": {
                    "total_size": 64
                  },
                  "weight_map": {
                    "lm_head.weight": "model-00003-of-00003.safetensors",
                    "model.embed_tokens.weight": "model-00001-of-00003.safetensors",
                    "model.layers.0.input_layernorm.weight": "model-00003-of-00003.safetensors",
                    "model.layers.0.self_attn.q_proj.bias": "model-00002-of-00003.safetensors",
                    "model.norm.weight": "model-00001-of-00003.safetensors"
                  }
                }
                """, Files.readString(dir.resolve("model.safetensors.index.json")));

        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir, 8)) {
            assertTrue(c.sharded());
            assertEquals(3, c.files().size());
            assertEquals(fiveTensors().stream().map(Tensor::name).toList(), c.names());
            assertEquals(dir.resolve("model-00002-of-00003.safetensors"),
                    c.fileOf("model.layers.0.self_attn.q_proj.bias").path());
            assertEquals(Map.of("format", "pt"), c.files().get(2).metadata());
            for (Tensor t : fiveTensors()) {
                assertArrayEquals(t.data().get(), c.readFloats(t.name()), t.name());
                assertArrayEquals(t.shape(), c.info(t.name()).shape());
            }
            assertEquals(Dtype.F32, c.dtype());
        }
    }

    @Test
    void givesATensorLargerThanTheShardSizeAFileOfItsOwn() throws IOException {
        new SafetensorsWriter(Dtype.F32, Map.of()).writeSharded(dir, fiveTensors(), 10);
        // 16, 12, 8, 24, 4 bytes: no two fit together in 10 bytes, and those over 10 still get a file each
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertEquals(5, c.files().size());
            assertEquals(dir.resolve("model-00005-of-00005.safetensors"),
                    c.fileOf("model.layers.0.input_layernorm.weight").path());
        }
    }

    @Test
    void writesOneFileWithoutIndexWhenEverythingFitsAndRemovesStaleShards() throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter(Dtype.BF16, Map.of());
        writer.writeSharded(dir, fiveTensors(), 30);
        Files.writeString(dir.resolve("config.json"), "{}");
        List<Path> written = writer.writeSharded(dir, fiveTensors(), 1 << 20);
        assertEquals(List.of(dir.resolve("model.safetensors")), written);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("config.json", "model.safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertFalse(c.sharded());
            assertArrayEquals(new float[]{0.5f, -0.5f, 0.25f}, c.readFloats("model.norm.weight"));
        }
    }

    @Test
    void prefersTheSingleFileAsTransformersDoes() throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter(Dtype.F32, Map.of());
        writer.writeSharded(dir, fiveTensors(), 30);
        writer.write(dir.resolve("model.safetensors"), List.of(Tensor.of("only", new long[]{1}, new float[]{1})));
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertEquals(List.of("only"), c.names());
        }
    }

    @Test
    void namesIndexTensorAndShardWhenTheShardLacksTheTensor() throws IOException {
        new SafetensorsWriter(Dtype.F32, Map.of()).writeSharded(dir, fiveTensors(), 30);
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("\"lm_head.weight\"", "\"lm_head.ghost\""));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir));
        assertMessage(e, "model.safetensors.index.json", "\"lm_head.ghost\"", "model-00003-of-00003.safetensors",
                "no such tensor");
        assertEquals(index, e.file());
        assertEquals("lm_head.ghost", e.tensor());
    }

    @Test
    void namesTheMissingShard() throws IOException {
        new SafetensorsWriter(Dtype.F32, Map.of()).writeSharded(dir, fiveTensors(), 30);
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        assertMessage(assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir)),
                "model.safetensors.index.json", "\"model.layers.0.self_attn.q_proj.bias\"",
                "model-00002-of-00003.safetensors", "not in the folder");
    }

    @Test
    void rejectsAMalformedIndexAndAnEmptyFolder() throws IOException {
        assertMessage(assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir)),
                dir.toString(), "neither model.safetensors nor model.safetensors.index.json");
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\": {}}");
        assertMessage(assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir)),
                "model.safetensors.index.json", "\"weight_map\"");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}");
        assertMessage(assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir)),
                "model.safetensors.index.json", "\"a\"", "not the name of a file in the folder");
        Files.writeString(index, "{\"weight_map\": ");
        assertMessage(assertThrows(SafetensorsException.class, () -> SafetensorsCheckpoint.open(dir)),
                "model.safetensors.index.json", "not JSON");
    }

    /** Most elements are BF16; the I64 tensor, larger still, is no float and does not count. */
    @Test
    void reportsTheDtypeMostFloatElementsAreStoredIn() throws IOException {
        HandMadeFile.write(dir.resolve("model.safetensors"),
                "{\"norm\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"w\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[8,16]},"
                        + "\"positions\":{\"dtype\":\"I64\",\"shape\":[8],\"data_offsets\":[16,80]}}",
                new byte[80]);
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertEquals(Dtype.BF16, c.dtype());
        }
    }
}
