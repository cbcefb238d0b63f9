package dev.jvit.nn.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.cpu.CpuStorage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads and writes named arrays in the safetensors format, the checkpoint format PyTorch and timm use, so
 * weights and golden test data move between jvit and Python.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
 * {@code {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}};
 * then the raw little-endian element data, offsets counted from the first byte after the header.
 * On write, tensors are stored in name order (what the Python library does when every dtype has the same
 * alignment, as here) and the header is padded with spaces to a multiple of 8 bytes so the data is aligned.
 *
 * <p>Dtypes: F32 and I32 are read and written; I64 (PyTorch's default integer type, e.g. labels) is read
 * and converted to INT32, failing when a value does not fit. Files are memory-mapped for reading and
 * written to a temporary file in the same folder that is then atomically renamed, so a crash never
 * leaves a half-written checkpoint under the final name.
 */
public final class SafeTensors {
    /** The limit the reference implementation uses; a longer header means a corrupt or foreign file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";
    private static final String SUPPORTED = "F32, I32, I64 (read only, converted to INT32)";
    private static final int WRITE_CHUNK_BYTES = 1 << 20;

    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // Strict duplicate detection: a header naming a tensor twice is corrupt, not "last one wins".
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SafeTensors() {}

    /**
     * What a file holds: its tensors in name order (CPU, contiguous, FLOAT32 or INT32) and its
     * {@code __metadata__} strings (empty when the file has none).
     */
    public record Contents(String source, Map<String, NDArray> tensors, Map<String, String> metadata) {
        /** The tensor of that name, or an error listing what the file does hold. */
        public NDArray get(String name) {
            NDArray t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException(source + " has no tensor '" + name + "'; it holds "
                        + tensors.keySet());
            }
            return t;
        }
    }

    /** The element types of the format that jvit understands. */
    private enum StoredType {
        F32(4), I32(4), I64(8);

        final int bytes;

        StoredType(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One header entry; offsets are relative to the start of the data section. */
    private record Entry(String name, StoredType type, int[] shape, int numel, long begin, long end) {}

    // ---- reading -----------------------------------------------------------------------------------

    /** Reads every tensor and the metadata of a file. */
    public static Contents read(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            // mapping a zero-length file fails on some platforms; it is truncated either way
            MemorySegment bytes = size < Long.BYTES
                    ? MemorySegment.ofArray(new byte[(int) size])
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(bytes, source);
        }
    }

    /** Reads only the tensors of a file. */
    public static Map<String, NDArray> load(Path file) throws IOException {
        return read(file).tensors();
    }

    /** Reads safetensors bytes held in memory (e.g. a class-path resource); source names them in errors. */
    public static Contents read(byte[] bytes, String source) throws SafeTensorsFormatException {
        return parse(MemorySegment.ofArray(bytes), source);
    }

    private static Contents parse(MemorySegment bytes, String source) throws SafeTensorsFormatException {
        long size = bytes.byteSize();
        if (size < Long.BYTES) {
            throw new SafeTensorsFormatException(source, "truncated: the file has " + size
                    + " bytes, fewer than the 8-byte header length that starts every safetensors file");
        }
        long headerLength = bytes.get(LE_LONG, 0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(source, "header length " + Long.toUnsignedString(headerLength)
                    + " bytes is absurd (the limit is " + MAX_HEADER_BYTES
                    + "); the file is corrupt or not a safetensors file");
        }
        if (headerLength > size - Long.BYTES) {
            throw new SafeTensorsFormatException(source, "truncated: the header length says " + headerLength
                    + " bytes of JSON but only " + (size - Long.BYTES) + " bytes follow it");
        }
        byte[] headerBytes = bytes.asSlice(Long.BYTES, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root = parseJson(headerBytes, source);

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(field.getValue(), metadata, source);
            } else {
                entries.add(readEntry(field.getKey(), field.getValue(), source));
            }
        }

        long dataStart = Long.BYTES + headerLength;
        checkOffsets(entries, size - dataStart, source);

        TreeMap<String, NDArray> tensors = new TreeMap<>();
        for (Entry e : entries) tensors.put(e.name(), toArray(bytes, dataStart, e, source));
        return new Contents(source, Collections.unmodifiableSortedMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static JsonNode parseJson(byte[] header, String source) throws SafeTensorsFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(header);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at byte " + at.getByteOffset() + " of the header";
            throw new SafeTensorsFormatException(source, "malformed JSON header" + where + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SafeTensorsFormatException(source, "unreadable JSON header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            String found = root == null || root.isMissingNode() ? "nothing" : "a JSON " + root.getNodeType();
            throw new SafeTensorsFormatException(source, "the header must be a JSON object, found " + found);
        }
        return root;
    }

    private static void readMetadata(JsonNode node, Map<String, String> out, String source)
            throws SafeTensorsFormatException {
        if (!node.isObject()) {
            throw new SafeTensorsFormatException(source, METADATA_KEY + " must be an object of strings, found "
                    + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> kv : node.properties()) {
            if (!kv.getValue().isTextual()) {
                throw new SafeTensorsFormatException(source, METADATA_KEY + " value of '" + kv.getKey()
                        + "' must be a string, found " + kv.getValue().getNodeType());
            }
            out.put(kv.getKey(), kv.getValue().textValue());
        }
    }

    private static Entry readEntry(String name, JsonNode node, String source) throws SafeTensorsFormatException {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafeTensorsFormatException(source, what + " must be described by a JSON object, found "
                    + node.getNodeType());
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafeTensorsFormatException(source, what + " has no \"dtype\" string");
        }
        StoredType type;
        try {
            type = StoredType.valueOf(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsFormatException(source, what + " has dtype " + dtypeNode.textValue()
                    + ", which jvit does not support; supported dtypes: " + SUPPORTED);
        }

        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new SafeTensorsFormatException(source, what + " has no \"shape\" array");
        }
        int[] shape = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || d.bigIntegerValue().signum() < 0 || !d.canConvertToInt()) {
                throw new SafeTensorsFormatException(source, what + " has an invalid shape " + shapeNode
                        + ": dimension " + i + " is not a non-negative 32-bit integer");
            }
            shape[i] = d.intValue();
            numel *= shape[i];
            // a Java array holds at most about 2^31 elements; checked per step so the product cannot overflow
            if (numel > Integer.MAX_VALUE - 8) {
                throw new SafeTensorsFormatException(source, what + " with shape " + shapeNode
                        + " has too many elements for one array");
            }
        }

        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw new SafeTensorsFormatException(source, what + " needs \"data_offsets\": [begin, end]");
        }
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = offsets.get(i);
            if (!o.isIntegralNumber() || o.bigIntegerValue().signum() < 0 || !o.canConvertToLong()) {
                throw new SafeTensorsFormatException(source, what + " has out-of-range data_offsets " + offsets
                        + ": offsets must be non-negative 64-bit integers");
            }
            be[i] = o.longValue();
        }
        if (be[1] < be[0]) {
            throw new SafeTensorsFormatException(source, what + " has out-of-range data_offsets " + offsets
                    + ": end comes before begin");
        }
        long expected = numel * type.bytes;
        if (be[1] - be[0] != expected) {
            throw new SafeTensorsFormatException(source, what + " has data_offsets " + offsets + " spanning "
                    + (be[1] - be[0]) + " bytes, but shape " + Shape.str(shape) + " of " + type + " needs "
                    + expected + " bytes");
        }
        return new Entry(name, type, shape, (int) numel, be[0], be[1]);
    }

    /** Tensors must lie inside the data section and must not share bytes. */
    private static void checkOffsets(List<Entry> entries, long dataLength, String source)
            throws SafeTensorsFormatException {
        List<Entry> byBegin = new ArrayList<>(entries);
        byBegin.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : byBegin) {
            if (e.end() > dataLength) {
                throw new SafeTensorsFormatException(source, "truncated or out-of-range data_offsets: tensor '"
                        + e.name() + "' needs data bytes [" + e.begin() + ", " + e.end() + ") but only "
                        + dataLength + " bytes of data follow the header");
            }
            if (e.begin() == e.end()) continue; // an empty tensor occupies no bytes
            if (previous != null && e.begin() < previous.end()) {
                throw new SafeTensorsFormatException(source, "overlapping data_offsets: tensor '" + e.name()
                        + "' [" + e.begin() + ", " + e.end() + ") overlaps tensor '" + previous.name() + "' ["
                        + previous.begin() + ", " + previous.end() + ")");
            }
            previous = e;
        }
    }

    private static NDArray toArray(MemorySegment bytes, long dataStart, Entry e, String source)
            throws SafeTensorsFormatException {
        long at = dataStart + e.begin();
        int n = e.numel();
        switch (e.type()) {
            case F32 -> {
                float[] v = new float[n];
                MemorySegment.copy(bytes, LE_FLOAT, at, v, 0, n);
                return NDArray.wrap(CpuStorage.of(v), e.shape());
            }
            case I32 -> {
                int[] v = new int[n];
                MemorySegment.copy(bytes, LE_INT, at, v, 0, n);
                return NDArray.wrap(CpuStorage.of(v), e.shape());
            }
            case I64 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    long x = bytes.get(LE_LONG, at + (long) i * Long.BYTES);
                    if (x != (int) x) {
                        throw new SafeTensorsFormatException(source, "tensor '" + e.name() + "' (I64) holds "
                                + x + " at flat index " + i + ", which does not fit the INT32 jvit converts to");
                    }
                    v[i] = (int) x;
                }
                return NDArray.wrap(CpuStorage.of(v), e.shape());
            }
        }
        throw new AssertionError(e.type());
    }

    // ---- writing -----------------------------------------------------------------------------------

    /** Writes tensors with no metadata. */
    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes tensors (any device, any strides; stored contiguous) and string metadata. The file appears
     * under its name only once completely written; an existing file of that name is replaced.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        String source = file.toString();
        TreeMap<String, NDArray> sorted = new TreeMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(source + ": tensor names must be non-empty");
            }
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException(source + ": '" + METADATA_KEY
                        + "' is reserved for metadata and cannot name a tensor");
            }
            if (e.getValue() == null) throw new IllegalArgumentException(source + ": tensor '" + name + "' is null");
            sorted.put(name, e.getValue());
        }

        ObjectNode header = MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            for (Map.Entry<String, String> kv : new TreeMap<>(metadata).entrySet()) {
                if (kv.getValue() == null) {
                    throw new IllegalArgumentException(source + ": metadata value of '" + kv.getKey() + "' is null");
                }
                meta.put(kv.getKey(), kv.getValue());
            }
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            NDArray a = e.getValue();
            String dtype = switch (a.dtype()) {
                case FLOAT32 -> "F32";
                case INT32 -> "I32";
            };
            long bytes = a.numel() * a.dtype().bytes();
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", dtype);
            ArrayNode shape = info.putArray("shape");
            for (int d : a.shape()) shape.add(d);
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = MAPPER.writeValueAsBytes(header);
        // spaces pad the header so that the data section starts 8-byte aligned, as the Python library does
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        // not Files.createTempFile: that makes the file owner-only, and a checkpoint should get the usual
        // permissions, as any other file this process writes
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            try (ch) {
                ByteBuffer buf = ByteBuffer.allocateDirect(WRITE_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(headerBytes.length).flip();
                writeFully(ch, buf);
                writeFully(ch, ByteBuffer.wrap(headerBytes));
                for (NDArray a : sorted.values()) writeData(ch, buf, a);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // a file system without atomic rename: still never expose the half-written temporary
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static void writeData(FileChannel ch, ByteBuffer buf, NDArray a) throws IOException {
        int n = (int) a.numel();
        // contiguous CPU arrays are written straight from their backing array; others are copied once
        boolean direct = a.storage() instanceof CpuStorage && a.isContiguous();
        int perChunk = buf.capacity() / 4;
        if (a.dtype() == DType.FLOAT32) {
            float[] v = direct ? ((CpuStorage) a.storage()).floats() : a.toFloatArray();
            int base = direct ? a.offset() : 0;
            for (int i = 0; i < n; i += perChunk) {
                int k = Math.min(perChunk, n - i);
                buf.clear();
                buf.asFloatBuffer().put(v, base + i, k);
                buf.limit(k * 4);
                writeFully(ch, buf);
            }
        } else {
            int[] v = direct ? ((CpuStorage) a.storage()).ints() : a.toIntArray();
            int base = direct ? a.offset() : 0;
            for (int i = 0; i < n; i += perChunk) {
                int k = Math.min(perChunk, n - i);
                buf.clear();
                buf.asIntBuffer().put(v, base + i, k);
                buf.limit(k * 4);
                writeFully(ch, buf);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
