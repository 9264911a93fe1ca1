package org.grpowb.hf.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model folder's weights as transformers saves them: one {@code model.safetensors}, or shards described by
 * {@code model.safetensors.index.json} ({@code {"metadata": {"total_size": ..}, "weight_map": {tensor → file}}}),
 * which is how checkpoints over 5 GB (and many smaller ones) ship. DJL reads neither a file over 2 GiB nor shards;
 * this opens each shard once, memory-mapped, and finds every tensor's shard.
 *
 * <p>As transformers does, a {@code model.safetensors} wins over an index when a folder holds both. With an index,
 * the index is the list of weights: every tensor it names must be in the shard it names (else a
 * {@link SafetensorsException} naming the index, the tensor and the shard), and tensors a shard holds beyond the
 * index are ignored, as transformers ignores them.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {

    /** The single-file checkpoint's name. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The index of a sharded checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper INDEX_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path folder;
    private final boolean sharded;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileOf;

    private SafetensorsCheckpoint(Path folder, boolean sharded, List<SafetensorsFile> files,
                                  Map<String, SafetensorsFile> fileOf) {
        this.folder = folder;
        this.sharded = sharded;
        this.files = List.copyOf(files);
        this.fileOf = Collections.unmodifiableMap(fileOf);
    }

    /**
     * Opens the weights in {@code folder}.
     *
     * @throws SafetensorsException when the folder has neither file, or the index or a file is malformed or
     *                              inconsistent
     */
    public static SafetensorsCheckpoint open(Path folder) throws IOException {
        return open(folder, SafetensorsFile.DEFAULT_SEGMENT_BYTES);
    }

    /** As {@link #open(Path)}, mapping segments of {@code segmentBytes}: tests use tiny ones. */
    static SafetensorsCheckpoint open(Path folder, long segmentBytes) throws IOException {
        Path single = folder.resolve(SINGLE_FILE);
        Path index = folder.resolve(INDEX_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = new SafetensorsFile(single, segmentBytes);
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            for (String name : file.names()) {
                fileOf.put(name, file);
            }
            return new SafetensorsCheckpoint(folder, false, List.of(file), fileOf);
        }
        if (!Files.isRegularFile(index)) {
            throw new SafetensorsException(folder, null, "the folder has neither " + SINGLE_FILE + " nor "
                    + INDEX_FILE);
        }
        return openSharded(folder, index, readWeightMap(index), segmentBytes);
    }

    private static SafetensorsCheckpoint openSharded(Path folder, Path index, Map<String, String> weightMap,
                                                     long segmentBytes) throws IOException {
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        try {
            // shards in name order (model-00001-of-00003 first), as transformers loads them
            Map<String, String> firstTensorOf = new TreeMap<>();
            weightMap.forEach((tensor, shard) -> firstTensorOf.putIfAbsent(shard, tensor));
            for (Map.Entry<String, String> e : firstTensorOf.entrySet()) {
                Path path = folder.resolve(e.getKey());
                if (!Files.isRegularFile(path)) {
                    throw new SafetensorsException(index, e.getValue(), "listed in shard \"" + e.getKey()
                            + "\", which is not in the folder");
                }
                shards.put(e.getKey(), new SafetensorsFile(path, segmentBytes));
            }
            // names in shard order, then in each shard's own order, so that loading reads each file front to back
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            for (Map.Entry<String, SafetensorsFile> s : shards.entrySet()) {
                for (String name : s.getValue().names()) {
                    if (s.getKey().equals(weightMap.get(name))) {
                        fileOf.put(name, s.getValue());
                    }
                }
            }
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                if (!fileOf.containsKey(e.getKey())) {
                    throw new SafetensorsException(index, e.getKey(), "listed in shard \"" + e.getValue()
                            + "\", but " + shards.get(e.getValue()).path() + " has no such tensor");
                }
            }
            return new SafetensorsCheckpoint(folder, true, new ArrayList<>(shards.values()), fileOf);
        } catch (IOException | RuntimeException | Error e) {
            for (SafetensorsFile f : shards.values()) {
                try {
                    f.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The index's {@code weight_map}, tensor → shard file name, each name a plain file in the folder. */
    private static Map<String, String> readWeightMap(Path index) throws IOException {
        JsonNode root;
        try {
            root = INDEX_JSON.readTree(index.toFile());
        } catch (JacksonException e) {
            throw new SafetensorsException(index, null, "not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsException(index, null, "field \"weight_map\" is missing or not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual() || !isPlainFileName(v.textValue())) {
                throw new SafetensorsException(index, e.getKey(), "field \"weight_map\": the shard is " + v
                        + ", not the name of a file in the folder");
            }
            out.put(e.getKey(), v.textValue());
        }
        return out;
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0;
    }

    /** The model folder. */
    public Path folder() {
        return folder;
    }

    /** Whether the weights come from an index and its shards. */
    public boolean sharded() {
        return sharded;
    }

    /** The files opened, each once: the single file, or the shards in the order of their names. */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** Every tensor's name, file by file, each file's in its header's order. */
    public List<String> names() {
        return List.copyOf(fileOf.keySet());
    }

    /** Whether the checkpoint holds tensor {@code name}. */
    public boolean contains(String name) {
        return fileOf.containsKey(name);
    }

    /**
     * The file that holds tensor {@code name}.
     *
     * @throws SafetensorsException naming the folder and the tensor when the checkpoint has no such tensor
     */
    public SafetensorsFile fileOf(String name) throws SafetensorsException {
        SafetensorsFile file = fileOf.get(name);
        if (file == null) {
            throw new SafetensorsException(sharded ? folder.resolve(INDEX_FILE) : folder.resolve(SINGLE_FILE), name,
                    "no such tensor in the checkpoint (it holds " + fileOf.size() + " tensors)");
        }
        return file;
    }

    /** Tensor {@code name}'s entry in its file. */
    public TensorInfo info(String name) throws SafetensorsException {
        return fileOf(name).info(name);
    }

    /** See {@link SafetensorsFile#readFloats(String)}. */
    public float[] readFloats(String name) throws IOException {
        return fileOf(name).readFloats(name);
    }

    /** See {@link SafetensorsFile#readFloats(String, float[], int)}. */
    public void readFloats(String name, float[] target, int offset) throws IOException {
        fileOf(name).readFloats(name, target, offset);
    }

    /** See {@link SafetensorsFile#readFloats(String, FloatBuffer)}. */
    public void readFloats(String name, FloatBuffer target) throws IOException {
        fileOf(name).readFloats(name, target);
    }

    /** See {@link SafetensorsFile#readBytes(String, ByteBuffer)}. */
    public void readBytes(String name, ByteBuffer target) throws IOException {
        fileOf(name).readBytes(name, target);
    }

    /**
     * The dtype the checkpoint's weights are stored in, so that saving can write the same: of the floating-point
     * dtypes, the one holding the most elements (a bf16 checkpoint with a few fp32 norms is bf16). F32 when the
     * checkpoint has no floating-point tensor.
     */
    public Dtype dtype() {
        Map<Dtype, Long> elements = new EnumMap<>(Dtype.class);
        for (Map.Entry<String, SafetensorsFile> e : fileOf.entrySet()) {
            TensorInfo info = e.getValue().find(e.getKey()).orElseThrow();
            if (info.dtype().isFloatingPoint()) {
                elements.merge(info.dtype(), info.elements(), Long::sum);
            }
        }
        return elements.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(Dtype.F32);
    }

    /** Closes every file. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return folder + " (" + fileOf.size() + " tensors in " + files.size() + " file" + (files.size() == 1 ? "" : "s")
                + ")";
    }
}
