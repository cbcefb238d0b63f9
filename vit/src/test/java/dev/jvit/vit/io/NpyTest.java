package dev.jvit.vit.io;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The .npy reader and writer: round trips, NumPy's own files, and a clear error for everything else. */
class NpyTest {

    /** A .npy file written by hand: any version, dtype code, order and shape. */
    private static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int lengthBytes = major == 1 ? 2 : 4, prefix = 8 + lengthBytes;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) (total - prefix));
        else b.putInt(total - prefix);
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    @Test
    void roundTripsArraysOfAnyRank(@TempDir Path dir) throws IOException {
        for (int[] shape : new int[][] {{5}, {2, 3}, {2, 3, 4, 5}, {0, 3}, {}}) {
            NDArray a = NDArray.randn(new Generator(3), shape);
            Path f = dir.resolve("a.npy");
            Npy.write(f, a);
            assertEquals(0, Files.size(f) % 4);
            assertEquals(0, (Files.size(f) - a.numel() * 4) % 64, "header padded to 64 bytes as NumPy does");
            NDArray b = Npy.read(f);
            assertArrayEquals(shape, b.shape());
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
        }
        // a strided view is written in C order
        NDArray t = NDArray.arange(6).reshape(2, 3).transpose(0, 1);
        Npy.write(dir.resolve("t.npy"), t);
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, Npy.read(dir.resolve("t.npy")).toFloatArray(), 0f);
    }

    @Test
    void writesTheHeaderNumPyWrites(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("v.npy");
        Npy.write(f, NDArray.of(new float[] {1, 2, 3}, 3));
        String header = new String(Files.readAllBytes(f), 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertTrue(header.endsWith("\n"));
    }

    @Test
    void readsWhatNumPySavedAndEveryHeaderVersion() throws IOException {
        // written by np.save in reference/golden_vit.py
        byte[] golden;
        try (var in = NpyTest.class.getResourceAsStream("/golden/vit_golden_logits.npy")) {
            golden = in.readAllBytes();
        }
        NDArray logits = Npy.parse(golden, "golden");
        assertArrayEquals(new int[] {4, 10}, logits.shape());
        assertTrue(Arrays.stream(box(logits.toFloatArray())).allMatch(v -> Float.isFinite(v) && v != 0));
        for (int major = 1; major <= 3; major++) {
            NDArray a = Npy.parse(npy(major, "<f4", false, "(2, 2)", floats(1, -2, 3.5f, 4)), "v" + major);
            assertArrayEquals(new float[] {1, -2, 3.5f, 4}, a.toFloatArray(), 0f);
        }
    }

    private static Float[] box(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }

    @Test
    void rejectsOtherDtypesFortranOrderAndDamagedFiles() {
        IOException e = assertThrows(IOException.class, () -> Npy.parse(npy(1, "<f8", false, "(2,)", new byte[16]), "x.npy"));
        assertEquals("x.npy: dtype '<f8' (float64) is not supported: jvit reads float32 ('<f4') only; convert with "
                + "arr.astype(np.float32)", e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.parse(npy(1, "<i8", false, "(2,)", new byte[16]), "x.npy"));
        assertTrue(e.getMessage().contains("'<i8' (int64)"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.parse(npy(1, ">f4", false, "(2,)", new byte[8]), "x.npy"));
        assertTrue(e.getMessage().contains("'>f4' (big-endian float32)"), e.getMessage());

        e = assertThrows(IOException.class, () -> Npy.parse(npy(1, "<f4", true, "(2, 2)", new byte[16]), "x.npy"));
        assertTrue(e.getMessage().contains("Fortran (column-major) order"), e.getMessage());

        e = assertThrows(IOException.class, () -> Npy.parse(npy(1, "<f4", false, "(2, 3)", new byte[20]), "x.npy"));
        assertEquals("x.npy: truncated: shape [2,3] of float32 needs 24 bytes of data, the file has 20", e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.parse(npy(1, "<f4", false, "(2,)", new byte[12]), "x.npy"));
        assertTrue(e.getMessage().contains("4 bytes follow the data of shape [2]"), e.getMessage());
        byte[] whole = npy(1, "<f4", false, "(2,)", new byte[8]);
        e = assertThrows(IOException.class, () -> Npy.parse(Arrays.copyOf(whole, 40), "x.npy"));
        assertTrue(e.getMessage().startsWith("x.npy: truncated: the header says"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.parse(Arrays.copyOf(whole, 5), "x.npy"));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());

        e = assertThrows(IOException.class, () -> Npy.parse("PK\3\4 a zip file, not an array".getBytes(), "x.npy"));
        assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.parse(npy(1, "<f4", false, "(2, -1)", new byte[8]), "x.npy"));
        assertTrue(e.getMessage().contains("malformed shape"), e.getMessage());
    }
}
