package org.grpowb.hf.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code .safetensors} file, memory-mapped read-only. We read safetensors ourselves because DJL's
 * {@code NDList.decode} reads a whole file into one byte array with int offsets (no file over 2 GiB, so no
 * Qwen2.5-1.5B in fp32, and no shards), and because DJL's PyTorch engine cannot hold bf16, the dtype most checkpoints
 * are stored in: F16 and BF16 are converted to fp32 here, exactly.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
 * ({@code {"__metadata__": {..}, "<name>": {"dtype": .., "shape": [..], "data_offsets": [begin, end]}}}, offsets
 * counted from the end of the header), then the raw little-endian data. A {@link MappedByteBuffer} is int-indexed,
 * so the data region is mapped in segments of at most 1 GiB with long offsets throughout; a tensor, and even one
 * element of it, may straddle two segments.
 *
 * <p>The whole header is checked on opening, so a corrupt file fails at once with a {@link SafetensorsException}
 * naming the file, the tensor and the field: the header length against the file's size (the reference
 * implementation's 100 MB cap included), UTF-8, JSON (no duplicate names, nothing after the object), each entry's
 * {@code dtype} (one the format defines), {@code shape} (non-negative integers), {@code data_offsets} (two integers,
 * begin ≤ end, inside the data region, {@code end − begin} equal to the shape's element count times the dtype's
 * size), that no two tensors share a byte, and that {@code __metadata__} maps strings to strings. Gaps between
 * tensors and bytes after the last are allowed (the reference implementation rejects them; nothing we read is lost
 * by allowing them).
 *
 * <p>Reads never move a buffer's position, so any number of threads may read at once. Java 17 cannot unmap a file:
 * {@link #close()} closes the channel and drops the mappings, which the garbage collector then releases.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Segments of 1 GiB: well under the 2 GiB a {@link MappedByteBuffer} can span. */
    static final long DEFAULT_SEGMENT_BYTES = 1L << 30;
    /** The reference implementation refuses headers over 100 MB; a 70B model's header is a few hundred KB. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Work in chunks of 1 MiB: big enough to be fast, small enough that converting a tensor needs no big buffer. */
    private static final int CHUNK_BYTES = 1 << 20;

    private static final String METADATA_KEY = "__metadata__";
    private static final ObjectMapper HEADER_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private final FileChannel channel;
    private final long headerBytes;
    private final long dataBytes;
    private final long segmentBytes;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private volatile MappedByteBuffer[] segments;

    /**
     * Opens {@code file} and checks its header.
     *
     * @throws SafetensorsException when the file is not a well-formed safetensors file
     * @throws IOException          when it cannot be read
     */
    public SafetensorsFile(Path file) throws IOException {
        this(file, DEFAULT_SEGMENT_BYTES);
    }

    /** As {@link #SafetensorsFile(Path)}, mapping segments of {@code segmentBytes}: tests use tiny ones. */
    SafetensorsFile(Path file, long segmentBytes) throws IOException {
        if (segmentBytes < 1 || segmentBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segment size " + segmentBytes + " is not in [1, 2^31 - 1]");
        }
        this.file = file;
        this.segmentBytes = segmentBytes;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long fileBytes = channel.size();
            if (fileBytes < 8) {
                throw new SafetensorsException(file, null, "the file is " + fileBytes
                        + " bytes, shorter than the 8-byte header length that begins every safetensors file");
            }
            long n = readHeaderLength();
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new SafetensorsException(file, null, "header length " + Long.toUnsignedString(n)
                        + " (bytes 0-7) is over the format's limit of " + MAX_HEADER_BYTES
                        + " bytes: not a safetensors file");
            }
            if (n > fileBytes - 8) {
                throw new SafetensorsException(file, null, "header length " + n + " runs past the end of the file ("
                        + fileBytes + " bytes): the file is truncated or not a safetensors file");
            }
            this.headerBytes = n;
            this.dataBytes = fileBytes - 8 - n;
            JsonNode header = parseHeader(readBytes(8, (int) n));
            this.metadata = parseMetadata(header.get(METADATA_KEY));
            this.tensors = Collections.unmodifiableMap(parseTensors(header));
            checkNoOverlap(tensors.values());
            this.segments = map();
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The file as opened. */
    public Path path() {
        return file;
    }

    /** The tensors' names in the order the header lists them. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** Whether the file holds a tensor called {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The entry of tensor {@code name}, if the file holds one. */
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /**
     * The entry of tensor {@code name}.
     *
     * @throws SafetensorsException when the file holds no such tensor
     */
    public TensorInfo info(String name) throws SafetensorsException {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new SafetensorsException(file, name, "no such tensor in the file (it holds " + tensors.size()
                    + " tensors)");
        }
        return info;
    }

    /** The header's {@code __metadata__} (transformers writes {@code {"format": "pt"}}), empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Bytes before the data: the 8-byte length and the JSON header. */
    public long dataStart() {
        return 8 + headerBytes;
    }

    /**
     * Tensor {@code name} as fp32, in row-major order: F32 as stored, F16 and BF16 converted exactly.
     *
     * @throws SafetensorsException when there is no such tensor, its dtype is not F32, F16 or BF16, or it has more
     *                              elements than a Java array holds
     */
    public float[] readFloats(String name) throws IOException {
        TensorInfo info = floatTensor(name);
        long n = info.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(file, name, n + " elements do not fit one Java array; read it into a "
                    + "FloatBuffer in parts with readFloats(name, target) from a view of the file instead");
        }
        float[] out = new float[(int) n];
        readFloats(name, FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Writes tensor {@code name} as fp32 into {@code target} from {@code offset} on, without an intermediate copy of
     * the whole tensor.
     *
     * @throws IllegalArgumentException when the array has fewer than {@code elements()} places from {@code offset}
     */
    public void readFloats(String name, float[] target, int offset) throws IOException {
        TensorInfo info = floatTensor(name);
        if (offset < 0 || offset > target.length || info.elements() > target.length - offset) {
            throw new IllegalArgumentException("tensor " + info + " of " + file + " needs " + info.elements()
                    + " floats from offset " + offset + ", the array has " + target.length);
        }
        readFloats(name, FloatBuffer.wrap(target, offset, (int) info.elements()));
    }

    /**
     * Puts tensor {@code name} as fp32 into {@code target} at its position, which advances by the element count; a
     * direct buffer lets a caller hand the floats to native code without another copy.
     *
     * @throws IllegalArgumentException when the buffer has fewer than {@code elements()} places remaining
     */
    public void readFloats(String name, FloatBuffer target) throws IOException {
        TensorInfo info = floatTensor(name);
        long n = info.elements();
        if (n > target.remaining()) {
            throw new IllegalArgumentException("tensor " + info + " of " + file + " needs " + n
                    + " floats, the buffer has " + target.remaining() + " remaining");
        }
        int elementBytes = info.dtype().bits() / 8;
        int chunkElements = CHUNK_BYTES / elementBytes;
        byte[] scratch = new byte[(int) Math.min(CHUNK_BYTES, info.byteSize())];
        float[] converted = info.dtype() == Dtype.F32 ? null : new float[(int) Math.min(chunkElements, n)];
        for (long done = 0; done < n; done += chunkElements) {
            int count = (int) Math.min(chunkElements, n - done);
            ByteBuffer bytes = view(info.begin() + done * elementBytes, count * elementBytes, scratch);
            switch (info.dtype()) {
                case F32 -> target.put(bytes.asFloatBuffer());
                case F16 -> {
                    ShortBuffer halves = bytes.asShortBuffer();
                    for (int i = 0; i < count; i++) {
                        converted[i] = Float16.toFloat(halves.get(i));
                    }
                    target.put(converted, 0, count);
                }
                case BF16 -> {
                    ShortBuffer halves = bytes.asShortBuffer();
                    for (int i = 0; i < count; i++) {
                        converted[i] = BFloat16.toFloat(halves.get(i));
                    }
                    target.put(converted, 0, count);
                }
                default -> throw new AssertionError(info.dtype());
            }
        }
    }

    /**
     * Copies tensor {@code name}'s raw little-endian bytes, in any dtype, into {@code target} at its position, which
     * advances by {@link TensorInfo#byteSize()}.
     *
     * @throws IllegalArgumentException when the buffer has fewer bytes remaining
     */
    public void readBytes(String name, ByteBuffer target) throws IOException {
        TensorInfo info = info(name);
        if (info.byteSize() > target.remaining()) {
            throw new IllegalArgumentException("tensor " + info + " of " + file + " needs " + info.byteSize()
                    + " bytes, the buffer has " + target.remaining() + " remaining");
        }
        MappedByteBuffer[] mapped = segments();
        for (long pos = info.begin(); pos < info.end(); ) {
            int segment = (int) (pos / segmentBytes);
            int within = (int) (pos % segmentBytes);
            int count = (int) Math.min(info.end() - pos, mapped[segment].capacity() - within);
            target.put(mapped[segment].slice(within, count));
            pos += count;
        }
    }

    /** Closes the file; reading afterwards throws {@link IllegalStateException}. */
    @Override
    public void close() throws IOException {
        segments = null;
        channel.close();
    }

    @Override
    public String toString() {
        return file + " (" + tensors.size() + " tensors)";
    }

    private TensorInfo floatTensor(String name) throws SafetensorsException {
        TensorInfo info = info(name);
        if (!info.dtype().isReadableAsFloat()) {
            throw new SafetensorsException(file, name, "dtype " + info.dtype()
                    + " cannot be read as floats; only F32, F16 and BF16 can");
        }
        return info;
    }

    private MappedByteBuffer[] segments() {
        MappedByteBuffer[] mapped = segments;
        if (mapped == null) {
            throw new IllegalStateException(file + " is closed");
        }
        return mapped;
    }

    /**
     * {@code length} bytes of the data region from {@code pos}, little-endian: a slice of the mapping when they lie
     * in one segment, else copied into {@code scratch} across the boundary.
     */
    private ByteBuffer view(long pos, int length, byte[] scratch) {
        MappedByteBuffer[] mapped = segments();
        int segment = (int) (pos / segmentBytes);
        int within = (int) (pos % segmentBytes);
        if (within + (long) length <= mapped[segment].capacity()) {
            return mapped[segment].slice(within, length).order(ByteOrder.LITTLE_ENDIAN);
        }
        for (int copied = 0; copied < length; ) {
            int count = Math.min(length - copied, mapped[segment].capacity() - within);
            mapped[segment].get(within, scratch, copied, count);
            copied += count;
            segment++;
            within = 0;
        }
        return ByteBuffer.wrap(scratch, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private MappedByteBuffer[] map() throws IOException {
        int count = (int) ((dataBytes + segmentBytes - 1) / segmentBytes);
        MappedByteBuffer[] mapped = new MappedByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long start = i * segmentBytes;
            mapped[i] = channel.map(FileChannel.MapMode.READ_ONLY, dataStart() + start,
                    Math.min(segmentBytes, dataBytes - start));
        }
        return mapped;
    }

    private long readHeaderLength() throws IOException {
        return ByteBuffer.wrap(readBytes(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private byte[] readBytes(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException(file + ": the file ended at byte " + (position + buffer.position())
                        + " while reading its header (was it truncated while being read?)");
            }
        }
        return buffer.array();
    }

    private JsonNode parseHeader(byte[] bytes) throws SafetensorsException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, null, "the header (bytes 8 to " + (8 + bytes.length)
                    + ") is not UTF-8 text: not a safetensors file", e);
        }
        JsonNode header;
        try {
            header = HEADER_JSON.readTree(text);
        } catch (JacksonException e) {
            throw new SafetensorsException(file, null, "the header (bytes 8 to " + (8 + bytes.length)
                    + ") is not JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new SafetensorsException(file, null, "the header is JSON but not an object of tensors");
        }
        return header;
    }

    private Map<String, String> parseMetadata(JsonNode node) throws SafetensorsException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new SafetensorsException(file, null, "field \"" + METADATA_KEY + "\" is not an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(file, null, "field \"" + METADATA_KEY + "\": key \"" + e.getKey()
                        + "\" maps to " + e.getValue() + ", not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, TensorInfo> parseTensors(JsonNode header) throws SafetensorsException {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (!e.getKey().equals(METADATA_KEY)) {
                out.put(e.getKey(), parseTensor(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    private TensorInfo parseTensor(String name, JsonNode entry) throws SafetensorsException {
        if (!entry.isObject()) {
            throw new SafetensorsException(file, name, "the entry is " + entry
                    + ", not an object of dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = entry.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(file, name, "field \"dtype\" is " + describe(dtypeNode)
                    + ", not a string");
        }
        Dtype dtype = Dtype.parse(dtypeNode.textValue()).orElseThrow(() -> new SafetensorsException(file, name,
                "field \"dtype\": \"" + dtypeNode.textValue() + "\" is not a safetensors dtype (those are "
                        + Arrays.toString(Dtype.values()) + ")"));
        long[] shape = naturals(name, "shape", entry.get("shape"), -1);
        long[] offsets = naturals(name, "data_offsets", entry.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafetensorsException(file, name, "field \"data_offsets\": [" + begin + ", " + end
                    + "] ends before it begins");
        }
        long expected;
        try {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            expected = dtype.byteSize(elements);
        } catch (ArithmeticException e) {
            throw new SafetensorsException(file, name, "field \"shape\": " + Arrays.toString(shape) + " of " + dtype
                    + " has no valid byte size: " + e.getMessage(), e);
        }
        if (end - begin != expected) {
            throw new SafetensorsException(file, name, "field \"data_offsets\": [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + expected);
        }
        if (end > dataBytes) {
            throw new SafetensorsException(file, name, "field \"data_offsets\": [" + begin + ", " + end
                    + "] run past the data region, which holds " + dataBytes + " bytes after the " + headerBytes
                    + "-byte header: the file is truncated");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers that fit a long, of {@code length} entries unless that is −1. */
    private long[] naturals(String name, String field, JsonNode node, int length) throws SafetensorsException {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new SafetensorsException(file, name, "field \"" + field + "\" is " + describe(node) + ", not "
                    + (length >= 0 ? "an array of " + length + " integers" : "an array of integers"));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafetensorsException(file, name, "field \"" + field + "\": entry " + i + " is " + v
                        + ", not a non-negative integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static String describe(JsonNode node) {
        return node == null ? "missing" : node.toString();
    }

    /** No byte belongs to two tensors; empty tensors hold no bytes and may sit anywhere. */
    private void checkNoOverlap(Collection<TensorInfo> infos) throws SafetensorsException {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : infos) {
            if (t.byteSize() > 0) {
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo previous = sorted.get(i - 1);
            TensorInfo t = sorted.get(i);
            if (t.begin() < previous.end()) {
                throw new SafetensorsException(file, t.name(), "field \"data_offsets\": [" + t.begin() + ", "
                        + t.end() + "] overlap those of tensor \"" + previous.name() + "\", [" + previous.begin()
                        + ", " + previous.end() + "]");
            }
        }
    }
}
