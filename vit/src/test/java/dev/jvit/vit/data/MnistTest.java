package dev.jvit.vit.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class MnistTest {
    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes with the given dims and data. */
    static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return bytes.toByteArray();
    }

    static void write(Path p, byte[] contents, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(contents);
        }
    }

    /** Three 2x2 images with pixel values equal to their index, labels 7, 0, 9. */
    private void writeSet(boolean gzip) throws IOException {
        byte[] px = new byte[12];
        for (int i = 0; i < 12; i++) px[i] = (byte) (i * 20);
        byte[] images = idx(new int[] {3, 2, 2}, px);
        byte[] labels = idx(new int[] {3}, new byte[] {7, 0, 9});
        String sfx = gzip ? ".gz" : "";
        write(dir.resolve("train-images-idx3-ubyte" + sfx), images, gzip);
        write(dir.resolve("train-labels-idx1-ubyte" + sfx), labels, gzip);
        write(dir.resolve("t10k-images-idx3-ubyte" + sfx), images, gzip);
        write(dir.resolve("t10k-labels-idx1-ubyte" + sfx), labels, gzip);
    }

    @Test
    void readsRawAndGzippedIdx() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            writeSet(gzip);
            ImageDataset d = Mnist.loadFashion(dir, Split.TRAIN);
            assertEquals(3, d.size());
            assertEquals(2, d.height());
            assertArrayEquals(new int[] {7, 0, 9}, d.labels());
            assertEquals(220, d.pixels()[11] & 0xff, "pixels are unsigned bytes");
            for (Path p : Files.list(dir).toList()) Files.delete(p);
        }
    }

    @Test
    void refusesFilesWhoseHashDiffers() throws IOException {
        writeSet(false);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir, Split.TEST));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
    }

    @Test
    void truncatedIdxNamesTheFile() throws IOException {
        byte[] full = idx(new int[] {3, 2, 2}, new byte[12]);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 5);
        IOException e = assertThrows(IOException.class, () -> IdxFile.parse(cut, "some/file", 3));
        assertTrue(e.getMessage().contains("some/file is truncated"), e.getMessage());
        IOException header = assertThrows(IOException.class, () -> IdxFile.parse(new byte[] {0, 0, 8}, "f", 3));
        assertTrue(header.getMessage().contains("truncated inside its header"), header.getMessage());
    }

    @Test
    void wrongMagicIsNamed() {
        IOException e = assertThrows(IOException.class, () -> IdxFile.parse(new byte[] {1, 2, 3, 4, 0, 0, 0, 0}, "x.idx", 1));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }

    @Test
    void missingFileSaysHowToFetch() {
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("jvit data fetch mnist"), e.getMessage());
    }

    @Test
    void fetchFromFolderRefusesCorruptFilesAndLeavesCacheEmpty() throws IOException {
        writeSet(true);
        Path cache = dir.resolve("cache");
        IOException e = assertThrows(IOException.class,
                () -> new MnistFetcher(System.err).fetch(cache, dir));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("train-images-idx3-ubyte")), "a corrupt file must never enter the cache");
    }

    @Test
    void cifarBatchesParseAndTruncationIsNamed() throws IOException {
        byte[] batch = new byte[Cifar10.RECORD * 2];
        batch[0] = 3;
        batch[1] = (byte) 200;
        batch[Cifar10.RECORD] = 9;
        Files.write(dir.resolve("test_batch.bin"), batch);
        ImageDataset d = Cifar10.load(dir, Split.TEST);
        assertArrayEquals(new int[] {3, 9}, d.labels());
        assertEquals(200, d.pixels()[0] & 0xff);
        assertEquals("cat", d.classNames()[3]);
        Files.write(dir.resolve("test_batch.bin"), java.util.Arrays.copyOf(batch, batch.length - 1));
        IOException e = assertThrows(IOException.class, () -> Cifar10.load(dir, Split.TEST));
        assertTrue(e.getMessage().contains("test_batch.bin is truncated"), e.getMessage());
    }

    @Test
    void imageFolderReadsClassesInOrder() throws IOException {
        for (String cls : new String[] {"cats", "dogs"}) {
            Files.createDirectories(dir.resolve("imgs").resolve(cls));
            var img = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
            img.setRGB(0, 0, cls.equals("cats") ? 0xff0000 : 0x00ff00);
            javax.imageio.ImageIO.write(img, "png", dir.resolve("imgs").resolve(cls).resolve("a.png").toFile());
        }
        ImageDataset d = ImageFolder.load(dir.resolve("imgs"), 3, 4, 4);
        assertArrayEquals(new String[] {"cats", "dogs"}, d.classNames());
        assertArrayEquals(new int[] {0, 1}, d.labels());
        assertEquals(255, d.pixels()[0] & 0xff, "red plane of the cat image");
    }
}
