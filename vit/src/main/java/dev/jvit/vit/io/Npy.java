package dev.jvit.vit.io;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format for float32 arrays in C order, the way {@code np.save} writes them, so batches of
 * images go in and logits come out of {@code jvit infer} without a Python dependency on either side.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and minor version byte, the header length (2 bytes
 * little-endian in version 1, 4 bytes in versions 2 and 3), an ASCII (UTF-8 in version 3) Python dict
 * literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and a newline
 * so the data starts aligned, then the raw elements.
 *
 * <p>Only {@code '<f4'} (little-endian float32) in C order is read; any other dtype, Fortran order, a file
 * shorter or longer than its shape says, or a malformed header is an {@link IOException} naming the file and
 * the problem. Writing always produces version 1.0 with the header padded to 64 bytes, as NumPy does.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    // the three keys np.save writes; values are a quoted string, True/False, and a tuple of integers
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads a float32 C-order array of any rank (a 0-d array becomes shape ()). */
    public static NDArray read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return parse(bytes, file.toString());
    }

    /** Parses .npy bytes held in memory; source names them in errors. */
    public static NDArray parse(byte[] bytes, String source) throws IOException {
        if (bytes.length < MAGIC.length + 2) {
            throw error(source, "truncated: " + bytes.length + " bytes, too short for a .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) throw error(source, "not a .npy file (it does not start with \\x93NUMPY)");
        }
        int major = bytes[6] & 0xff, minor = bytes[7] & 0xff;
        if (major < 1 || major > 3) {
            throw error(source, ".npy format version " + major + "." + minor + " is not supported (1.0 to 3.0 are)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int lengthBytes = major == 1 ? 2 : 4;
        int prefix = MAGIC.length + 2 + lengthBytes;
        if (bytes.length < prefix) throw error(source, "truncated in the header length");
        long headerLength = major == 1 ? (buf.getShort(8) & 0xffff) : (buf.getInt(8) & 0xffffffffL);
        if (prefix + headerLength > bytes.length) {
            throw error(source, "truncated: the header says " + headerLength + " bytes but the file ends after "
                    + (bytes.length - prefix));
        }
        String header = new String(bytes, prefix, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        String descr = group(DESCR, header, "descr", source);
        if (!descr.equals("<f4")) {
            throw error(source, "dtype '" + descr + "'" + describe(descr) + " is not supported: jvit reads float32 "
                    + "('<f4') only; convert with arr.astype(np.float32)");
        }
        if (group(FORTRAN, header, "fortran_order", source).equals("True")) {
            throw error(source, "the array is stored in Fortran (column-major) order; save "
                    + "np.ascontiguousarray(arr) instead");
        }
        int[] shape = parseShape(group(SHAPE, header, "shape", source), source);
        long numel = 1;
        for (int d : shape) {
            numel *= d;
            if (numel > Integer.MAX_VALUE - 8) throw error(source, "shape " + Shape.str(shape) + " is too large for one array");
        }
        long dataStart = prefix + headerLength;
        long have = bytes.length - dataStart, need = numel * Float.BYTES;
        if (have < need) {
            throw error(source, "truncated: shape " + Shape.str(shape) + " of float32 needs " + need
                    + " bytes of data, the file has " + have);
        }
        if (have > need) {
            throw error(source, (have - need) + " bytes follow the data of shape " + Shape.str(shape)
                    + ": the file is corrupt or its header is wrong");
        }
        float[] data = new float[(int) numel];
        buf.position((int) dataStart);
        buf.asFloatBuffer().get(data);
        return NDArray.of(data, shape);
    }

    private static String group(Pattern p, String header, String key, String source) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) throw error(source, "malformed header, no valid '" + key + "' entry: " + header.strip());
        return m.group(1);
    }

    private static int[] parseShape(String tuple, String source) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String s = part.strip();
            if (s.isEmpty()) continue; // "(3,)" and "()"
            if (s.endsWith("L")) s = s.substring(0, s.length() - 1); // Python 2 longs
            try {
                int d = Integer.parseInt(s);
                if (d < 0) throw new NumberFormatException();
                dims.add(d);
            } catch (NumberFormatException e) {
                throw error(source, "malformed shape (" + tuple + "): '" + s + "' is not a non-negative 32-bit integer");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A reader-friendly name for common NumPy dtype codes. */
    private static String describe(String descr) {
        String kind = descr.length() >= 2 ? descr.substring(1) : descr;
        String name = switch (kind) {
            case "f8" -> "float64";
            case "f2" -> "float16";
            case "f4" -> "big-endian float32";
            case "i1" -> "int8";
            case "u1" -> "uint8";
            case "i2" -> "int16";
            case "i4" -> "int32";
            case "i8" -> "int64";
            case "b1" -> "bool";
            default -> null;
        };
        return name == null ? "" : " (" + name + ")";
    }

    private static IOException error(String source, String message) {
        return new IOException(source + ": " + message);
    }

    /**
     * Writes a float32 array (any device, any strides) as a version 1.0 .npy file in C order; the file appears
     * under its name only once complete.
     */
    public static void write(Path file, NDArray array) throws IOException {
        if (array.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(file + ": .npy output is float32, the array is " + array.dtype());
        }
        int[] shape = array.shape();
        StringBuilder tuple = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) tuple.append(i > 0 ? ", " : "").append(shape[i]);
        if (shape.length == 1) tuple.append(',');
        tuple.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        int prefix = MAGIC.length + 2 + 2;
        int total = (prefix + dict.length() + 1 + ALIGN - 1) / ALIGN * ALIGN;
        int headerLength = total - prefix;
        if (headerLength > 0xffff) throw new IllegalArgumentException(file + ": shape " + Shape.str(shape) + " is too long for a .npy v1 header");
        String header = dict + " ".repeat(headerLength - dict.length() - 1) + "\n";

        float[] data = array.toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(total + data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        buf.asFloatBuffer().put(data);
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.write(tmp, buf.array());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
