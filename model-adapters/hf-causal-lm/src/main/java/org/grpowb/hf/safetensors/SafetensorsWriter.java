package org.grpowb.hf.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Writes fp32 tensors to safetensors files in F32, BF16 or F16, so that a fine-tuned model goes back into its folder
 * in the dtype it came in and loads in transformers, vLLM or llama.cpp's converter. DJL cannot do it: it writes no
 * safetensors over 2 GiB, no shards, and its PyTorch engine cannot hold bf16; so the rounding to bf16 and f16
 * happens here in Java, to nearest with ties to even, bit for bit as PyTorch casts ({@link BFloat16},
 * {@link Float16}).
 *
 * <p>The layout is the reference implementation's: 8-byte little-endian header length, compact JSON header with
 * {@code __metadata__} first (when given) and then the tensors, padded with spaces to a multiple of 8 bytes so that
 * the data starts aligned, then the data in the order the tensors are given. Each file is written to a temporary
 * file in the same folder, forced to disk and then moved over the target in one atomic rename, so a crash leaves the
 * old file or the new, never half of one.
 */
public final class SafetensorsWriter {

    /** The metadata transformers writes into every file it saves. */
    public static final Map<String, String> PT_METADATA = Map.of("format", "pt");

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Files of an earlier save that a new save replaces: the single file, the index, and numbered shards. */
    private static final Pattern CHECKPOINT_FILE =
            Pattern.compile("model\\.safetensors|model-\\d{5}-of-\\d{5}\\.safetensors|model\\.safetensors\\.index\\.json");
    private static final int CHUNK_BYTES = 1 << 20;

    /**
     * One tensor to write. The data is asked for only when the tensor's turn comes, once, so that a model on the GPU
     * need not be copied to the heap whole before saving.
     *
     * @param name  the tensor's name
     * @param shape its dimensions, outermost first; empty for a scalar
     * @param data  supplies its elements in row-major order, as many as the shape has
     */
    public record Tensor(String name, long[] shape, Supplier<float[]> data) {

        public Tensor {
            if (name == null || name.equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name " + name + " is not allowed");
            }
            shape = shape.clone();
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor " + name + ": negative dimension in shape "
                            + Arrays.toString(shape));
                }
            }
            if (data == null) {
                throw new IllegalArgumentException("tensor " + name + " has no data");
            }
        }

        /** A tensor whose data is already in an array. */
        public static Tensor of(String name, long[] shape, float[] data) {
            float[] held = data;
            Tensor t = new Tensor(name, shape, () -> held);
            if (t.elements() != data.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " has "
                        + t.elements() + " elements, the data " + data.length);
            }
            return t;
        }

        /** The dimensions (a copy). */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The product of the shape. */
        public long elements() {
            return TensorInfo.elements(shape);
        }
    }

    private final Dtype dtype;
    private final Map<String, String> metadata;

    /**
     * @param dtype    what to store: F32 (exact), BF16 or F16 (rounded to nearest, ties to even)
     * @param metadata the header's {@code __metadata__}, left out when empty; transformers writes
     *                 {@link #PT_METADATA}
     */
    public SafetensorsWriter(Dtype dtype, Map<String, String> metadata) {
        if (dtype != Dtype.F32 && dtype != Dtype.BF16 && dtype != Dtype.F16) {
            throw new IllegalArgumentException("cannot write " + dtype + "; only F32, BF16 and F16");
        }
        this.dtype = dtype;
        this.metadata = Map.copyOf(metadata);
    }

    /** The dtype this writer stores. */
    public Dtype dtype() {
        return dtype;
    }

    /**
     * Writes {@code tensors}, in the order given, to {@code file}, replacing it atomically.
     *
     * @throws IllegalArgumentException when two tensors share a name or a tensor's data does not fill its shape (the
     *                                  target is then left as it was)
     */
    public void write(Path file, List<Tensor> tensors) throws IOException {
        checkNames(tensors);
        byte[] header = header(tensors);
        atomically(file, out -> {
            ByteBuffer start = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            start.putLong(header.length).put(header).flip();
            writeFully(out, start);
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors) {
                writeData(out, buffer, t);
            }
            buffer.flip();
            writeFully(out, buffer);
        });
    }

    /**
     * Writes {@code tensors} into the model folder as transformers saves a checkpoint: files of at most
     * {@code maxShardBytes} of tensor data each ({@code model-00001-of-00003.safetensors}, ...; a tensor larger
     * than that gets a file of its own), in the order given, and {@code model.safetensors.index.json} with
     * {@code metadata.total_size} (bytes of tensor data in all shards) and the {@code weight_map}, keys sorted,
     * indented by 2 as transformers writes it. When everything fits one file it is written as
     * {@code model.safetensors} without an index, as transformers does.
     *
     * <p>Afterwards any {@code model.safetensors}, index or {@code model-NNNNN-of-NNNNN.safetensors} of an earlier
     * save that this save did not write is deleted, so that no loader picks up stale weights. Each file is replaced
     * atomically, but the set is not: a crash in the middle of a sharded save can leave old and new shards side by
     * side, so save into a fresh folder when that matters.
     *
     * @return the files written: the shards in order, then the index
     */
    public List<Path> writeSharded(Path folder, List<Tensor> tensors, long maxShardBytes) throws IOException {
        if (maxShardBytes < 1) {
            throw new IllegalArgumentException("max shard size " + maxShardBytes + " is not positive");
        }
        checkNames(tensors);
        List<List<Tensor>> shards = new ArrayList<>();
        long shardBytes = 0;
        long totalBytes = 0;
        for (Tensor t : tensors) {
            long bytes = dtype.byteSize(t.elements());
            if (shards.isEmpty() || (!shards.get(shards.size() - 1).isEmpty() && shardBytes + bytes > maxShardBytes)) {
                shards.add(new ArrayList<>());
                shardBytes = 0;
            }
            shards.get(shards.size() - 1).add(t);
            shardBytes += bytes;
            totalBytes += bytes;
        }
        List<Path> written = new ArrayList<>();
        if (shards.size() <= 1) {
            Path file = folder.resolve(SafetensorsCheckpoint.SINGLE_FILE);
            write(file, tensors);
            written.add(file);
        } else {
            Map<String, String> weightMap = new TreeMap<>();
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                Path file = folder.resolve(name);
                write(file, shards.get(i));
                written.add(file);
                for (Tensor t : shards.get(i)) {
                    weightMap.put(t.name(), name);
                }
            }
            Path index = folder.resolve(SafetensorsCheckpoint.INDEX_FILE);
            writeIndex(index, totalBytes, weightMap);
            written.add(index);
        }
        deleteStale(folder, written);
        return written;
    }

    /** The header bytes, padded with spaces to a multiple of 8 as the reference implementation pads them. */
    private byte[] header(List<Tensor> tensors) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            long end = offset + dtype.byteSize(t.elements());
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", dtype.name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of strings and numbers failed to serialise", e);
        }
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private void writeData(FileChannel out, ByteBuffer buffer, Tensor t) throws IOException {
        float[] data = t.data().get();
        if (data == null || data.length != t.elements()) {
            throw new IllegalArgumentException("tensor " + t.name() + ": shape " + Arrays.toString(t.shape())
                    + " has " + t.elements() + " elements, the data " + (data == null ? "null" : data.length));
        }
        int elementBytes = dtype.bits() / 8;
        for (int i = 0; i < data.length; ) {
            if (buffer.remaining() < elementBytes) {
                drain(out, buffer);
            }
            int count = Math.min(data.length - i, buffer.remaining() / elementBytes);
            switch (dtype) {
                case F32 -> {
                    buffer.asFloatBuffer().put(data, i, count);
                    buffer.position(buffer.position() + count * 4);
                }
                case BF16 -> {
                    for (int k = i; k < i + count; k++) {
                        buffer.putShort(BFloat16.fromFloat(data[k]));
                    }
                }
                case F16 -> {
                    for (int k = i; k < i + count; k++) {
                        buffer.putShort(Float16.fromFloat(data[k]));
                    }
                }
                default -> throw new AssertionError(dtype);
            }
            i += count;
        }
    }

    /** Writes {@code buffer} from its position to its limit. */
    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Writes what the staging buffer holds and empties it. */
    private static void drain(FileChannel out, ByteBuffer buffer) throws IOException {
        buffer.flip();
        writeFully(out, buffer);
        buffer.clear();
    }

    @FunctionalInterface
    private interface Content {
        void writeTo(FileChannel out) throws IOException;
    }

    /**
     * Writes {@code content} to a new temporary file next to {@code target}, forces it to disk and renames it over
     * {@code target}: readers see the old file or the whole new one, never a part.
     */
    private static void atomically(Path target, Content content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            // not Files.createTempFile: its owner-only permissions would stay on the model file after the move
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void writeIndex(Path index, long totalBytes, Map<String, String> weightMap) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("metadata").put("total_size", totalBytes);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        // Python's json.dumps(indent=2, sort_keys=True) + "\n": "key": value, two spaces, \n line ends
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        byte[] text = (JSON.writer(printer).writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        atomically(index, out -> writeFully(out, ByteBuffer.wrap(text)));
    }

    private static void deleteStale(Path folder, List<Path> written) throws IOException {
        Set<Path> keep = new HashSet<>();
        for (Path p : written) {
            keep.add(p.getFileName());
        }
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                if (CHECKPOINT_FILE.matcher(p.getFileName().toString()).matches() && !keep.contains(p.getFileName())
                        && Files.isRegularFile(p)) {
                    stale.add(p);
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        for (Path p : stale) {
            Files.delete(p);
        }
    }

    private static void checkNames(List<Tensor> tensors) {
        Map<String, Tensor> seen = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (seen.put(t.name(), t) != null) {
                throw new IllegalArgumentException("tensor " + t.name() + " is given twice");
            }
        }
    }
}
