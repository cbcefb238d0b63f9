package dev.jvit.nn.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.NDArray;
import dev.jvit.core.Storage;
import dev.jvit.core.cpu.CpuStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips, byte layout compatible with the Python library, metadata, and one test per way a file can
 * be corrupt: each corrupt file is written by hand into a temporary folder and must fail with a message
 * that names the file and the problem.
 */
class SafeTensorsTest {
    @TempDir
    Path dir;

    private static float[] floats(NDArray a) {
        assertTrue(a.isContiguous() && a.offset() == 0, "read arrays are fresh and contiguous");
        return ((CpuStorage) a.storage()).floats();
    }

    private static int[] ints(NDArray a) {
        assertTrue(a.isContiguous() && a.offset() == 0, "read arrays are fresh and contiguous");
        return ((CpuStorage) a.storage()).ints();
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    // ---- round trips -------------------------------------------------------------------------------

    @Test
    void roundTripKeepsValuesShapesDtypesAndMetadata() throws IOException {
        Random r = new Random(1);
        float[] w = random(r, 24), b = random(r, 4), s = {(float) Math.PI};
        int[] labels = {3, -1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE};
        Map<String, NDArray> in = new LinkedHashMap<>();
        in.put("blocks.0.attn.qkv.weight", NDArray.of(w, 2, 3, 4));
        in.put("bias", NDArray.of(b, 4));
        in.put("scalar", NDArray.of(s));
        in.put("labels", NDArray.ofInts(labels, 5));
        in.put("empty", NDArray.of(new float[0], 0, 3));
        Map<String, String> meta = Map.of("format", "pt", "epoch", "12", "note", "ünïcödé ✓");

        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, in, meta);
        SafeTensors.Contents c = SafeTensors.read(file);

        assertEquals(List.of("bias", "blocks.0.attn.qkv.weight", "empty", "labels", "scalar"),
                new ArrayList<>(c.tensors().keySet()), "tensors come back in name order");
        assertEquals(meta, c.metadata());
        assertArrayEquals(new int[] {2, 3, 4}, c.get("blocks.0.attn.qkv.weight").shape());
        assertArrayEquals(w, floats(c.get("blocks.0.attn.qkv.weight")));
        assertArrayEquals(b, floats(c.get("bias")));
        assertArrayEquals(new int[0], c.get("scalar").shape());
        assertArrayEquals(s, floats(c.get("scalar")));
        assertEquals(DType.INT32, c.get("labels").dtype());
        assertArrayEquals(labels, ints(c.get("labels")));
        assertArrayEquals(new int[] {0, 3}, c.get("empty").shape());
        assertEquals(Device.CPU, c.get("bias").device());
    }

    @Test
    void specialFloatValuesSurviveBitForBit() throws IOException {
        float[] v = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE};
        Path file = dir.resolve("special.safetensors");
        SafeTensors.write(file, Map.of("v", NDArray.of(v, 6)));
        float[] back = floats(SafeTensors.load(file).get("v"));
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "element " + i);
        }
    }

    @Test
    void writesAViewAtAnOffsetFromItsOwnElementsOnly() throws IOException {
        float[] data = random(new Random(2), 12);
        NDArray rows = NDArray.of(data, 3, 4).narrow(0, 1, 2); // contiguous, offset 4
        Path file = dir.resolve("view.safetensors");
        SafeTensors.write(file, Map.of("rows", rows));
        float[] expected = new float[8];
        System.arraycopy(data, 4, expected, 0, 8);
        assertArrayEquals(expected, floats(SafeTensors.load(file).get("rows")));
    }

    @Test
    void writesAStridedViewInRowMajorOrder() throws IOException {
        float[] data = {1, 2, 3, 4, 5, 6};
        NDArray t = NDArray.of(data, 2, 3).transpose(0, 1); // (3,2), not contiguous
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, Map.of("t", t));
        NDArray back = SafeTensors.load(file).get("t");
        assertArrayEquals(new int[] {3, 2}, back.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, floats(back));
    }

    @Test
    void byteLayoutMatchesThePythonLibrary() throws IOException {
        // what safetensors.torch.save_file({"b": torch.tensor([1., 2.]), "a": torch.tensor([7], dtype=torch.int32)})
        // writes: sorted names, header padded with spaces to a multiple of 8, data right after
        Map<String, NDArray> in = new LinkedHashMap<>();
        in.put("b", NDArray.of(new float[] {1f, 2f}, 2));
        in.put("a", NDArray.ofInts(new int[] {7}, 1));
        Path file = dir.resolve("layout.safetensors");
        SafeTensors.write(file, in);
        byte[] bytes = Files.readAllBytes(file);

        String json = "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + padded + 12).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.UTF_8));
        expected.putInt(7).putFloat(1f).putFloat(2f);
        assertArrayEquals(expected.array(), bytes);
    }

    @Test
    void metadataIsWrittenOnlyWhenGiven() throws IOException {
        Path plain = dir.resolve("plain.safetensors");
        SafeTensors.write(plain, Map.of("x", NDArray.of(new float[] {1}, 1)));
        assertFalse(headerOf(plain).has(SafeTensors.METADATA_KEY));
        assertTrue(SafeTensors.read(plain).metadata().isEmpty());

        Path meta = dir.resolve("meta.safetensors");
        SafeTensors.write(meta, Map.of("x", NDArray.of(new float[] {1}, 1)), Map.of("k", "v"));
        assertEquals("v", headerOf(meta).get(SafeTensors.METADATA_KEY).get("k").textValue());
    }

    @Test
    void readsBytesHeldInMemory() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, Map.of("x", NDArray.of(new float[] {5, 6}, 2)));
        SafeTensors.Contents c = SafeTensors.read(Files.readAllBytes(file), "resource m");
        assertArrayEquals(new float[] {5, 6}, floats(c.get("x")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.get("y"));
        assertTrue(e.getMessage().contains("resource m") && e.getMessage().contains("[x]"), e.getMessage());
    }

    @Test
    void readsI64AsInt32() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(-5).putLong(1_000_000);
        Path file = raw("labels.safetensors",
                "{\"y\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]}}", data.array());
        NDArray y = SafeTensors.load(file).get("y");
        assertEquals(DType.INT32, y.dtype());
        assertArrayEquals(new int[] {0, -5, 1_000_000}, ints(y));
    }

    // ---- atomic writes -----------------------------------------------------------------------------

    @Test
    void overwritesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, Map.of("x", NDArray.of(new float[] {1}, 1)));
        SafeTensors.write(file, Map.of("y", NDArray.of(new float[] {2, 3}, 2)));
        assertEquals(List.of("y"), new ArrayList<>(SafeTensors.load(file).keySet()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesItsTemporary() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, Map.of("x", NDArray.of(new float[] {1}, 1)));
        byte[] before = Files.readAllBytes(file);
        // an array on a device with no backend fails only when its data is fetched, after the temporary exists
        Storage nowhere = new Storage() {
            public DType dtype() { return DType.FLOAT32; }
            public Device device() { return Device.cuda(97); }
            public long length() { return 4; }
        };
        NDArray unreachable = new NDArray(nowhere, new int[] {4}, new int[] {1}, 0);
        Map<String, NDArray> in = Map.of("a", NDArray.of(new float[] {1}, 1), "z", unreachable);
        assertThrows(RuntimeException.class, () -> SafeTensors.write(file, in));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void rejectsBadNamesOnWrite() {
        Path file = dir.resolve("bad.safetensors");
        NDArray x = NDArray.of(new float[] {1}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(file, Map.of("__metadata__", x)));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("", x)));
        assertFalse(Files.exists(file));
    }

    // ---- corrupt files -----------------------------------------------------------------------------

    /** A file with the given header (length prefix added, no padding) and data bytes. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private static JsonNode headerOf(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    }

    /** Reading fails with a message that names the file and contains every given fragment. */
    private static void assertFails(Path file, String... fragments) {
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        assertEquals(file.toString(), e.source());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "mentions '" + f + "': " + e.getMessage());
    }

    private static final String ONE = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    @Test
    void truncatedData() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, Map.of("x", NDArray.of(random(new Random(3), 16), 4, 4)));
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 3));
        assertFails(cut, "truncated", "'x'", "[0, 64)", "61 bytes");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path good = raw("h.safetensors", ONE, new byte[16]);
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, 20));
        assertFails(cut, "truncated", "header length says " + ONE.length());
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertFails(tiny, "truncated", "3 bytes");
        Path empty = dir.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        assertFails(empty, "truncated", "0 bytes");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        Path file = dir.resolve("absurd.safetensors");
        Files.write(file, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertFails(file, "header length 1099511627776", "absurd");
        Path negative = dir.resolve("negative.safetensors");
        Files.write(negative, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
        assertFails(negative, "18446744073709551615", "absurd");
    }

    @Test
    void malformedJson() throws IOException {
        assertFails(raw("bad.safetensors", "{\"x\": {\"dtype\": \"F32\", ", new byte[0]), "malformed JSON");
        assertFails(raw("trail.safetensors", ONE + "}", new byte[16]), "malformed JSON");
        assertFails(raw("notjson.safetensors", "PK\u0003\u0004 zip", new byte[0]), "malformed JSON");
        assertFails(raw("array.safetensors", "[1, 2]", new byte[0]), "must be a JSON object", "ARRAY");
        assertFails(raw("blank.safetensors", "        ", new byte[0]), "must be a JSON object", "nothing");
        assertFails(raw("dup.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "malformed JSON", "x");
    }

    @Test
    void missingOrMistypedFields() throws IOException {
        assertFails(raw("a.safetensors", "{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "'x'", "dtype");
        assertFails(raw("b.safetensors", "{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]),
                "'x'", "shape");
        assertFails(raw("c.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]),
                "'x'", "data_offsets");
        assertFails(raw("d.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]),
                "'x'", "invalid shape", "dimension 0");
        assertFails(raw("e.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]),
                "'x'", "invalid shape");
        assertFails(raw("f.safetensors", "{\"x\":[1,2]}", new byte[0]), "'x'", "JSON object");
        assertFails(raw("g.safetensors", "{\"__metadata__\":{\"epoch\":3}," + ONE.substring(1), new byte[16]),
                "__metadata__", "epoch", "string");
        assertFails(raw("h.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}",
                new byte[4]), "'x'", "too many elements");
    }

    @Test
    void unknownDtype() throws IOException {
        Path file = raw("bf16.safetensors", "{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]);
        assertFails(file, "'x'", "BF16", "not support", "F32", "I32", "I64");
    }

    @Test
    void offsetsThatDoNotMatchTheShape() throws IOException {
        Path file = raw("mismatch.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", new byte[16]);
        assertFails(file, "'x'", "12 bytes", "[2,2]", "16 bytes");
    }

    @Test
    void overlappingOffsets() throws IOException {
        Path file = raw("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", new byte[16]);
        assertFails(file, "overlap", "'a'", "'b'");
    }

    @Test
    void outOfRangeOffsets() throws IOException {
        assertFails(raw("beyond.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[100,108]}}",
                new byte[16]), "out-of-range", "'x'", "[100, 108)", "16 bytes");
        assertFails(raw("backwards.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}",
                new byte[16]), "out-of-range", "'x'", "before begin");
        assertFails(raw("negative.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}",
                new byte[16]), "out-of-range", "'x'");
        assertFails(raw("huge.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}",
                new byte[16]), "out-of-range", "'x'");
    }

    @Test
    void i64ValuesThatDoNotFitInt32() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(1L << 31);
        Path file = raw("big.safetensors", "{\"y\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", data.array());
        assertFails(file, "'y'", "2147483648", "index 1", "INT32");
    }
}
