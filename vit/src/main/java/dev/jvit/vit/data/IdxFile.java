package dev.jvit.vit.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian magic number whose third byte
 * is the element type (0x08 = unsigned byte) and fourth the rank, then one big-endian int per dimension, then
 * the data. Gzip-compressed files are recognised by their first two bytes, whatever their name.
 */
public final class IdxFile {
    private static final int UNSIGNED_BYTE = 0x08;

    /** The dimensions and the raw bytes of one IDX file. */
    public record Contents(int[] dims, byte[] data) {}

    private IdxFile() {}

    /** Whole decompressed contents of a (possibly gzipped) file, for hashing and parsing. */
    public static byte[] readDecompressed(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return in.readAllBytes();
        }
    }

    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
    }

    /** Parses decompressed IDX bytes; {@code what} names the file in errors. */
    public static Contents parse(byte[] bytes, String what, int expectedRank) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xff, rank = magic & 0xff;
            if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE) {
                throw new IOException(what + " is not an IDX file of unsigned bytes (magic number 0x"
                        + Integer.toHexString(magic) + ")");
            }
            if (rank != expectedRank) {
                throw new IOException(what + " has " + rank + " dimensions, expected " + expectedRank);
            }
            int[] dims = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) throw new IOException(what + ": negative dimension " + dims[i]);
                count *= dims[i];
            }
            long available = bytes.length - 4L - 4L * rank;
            if (available < count) {
                throw new IOException(what + " is truncated: its header promises " + count + " bytes of data, the file has "
                        + available);
            }
            byte[] data = new byte[(int) count];
            in.readFully(data);
            return new Contents(dims, data);
        } catch (EOFException e) {
            throw new IOException(what + " is truncated inside its header", e);
        }
    }
}
