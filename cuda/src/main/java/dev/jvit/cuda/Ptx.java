package dev.jvit.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged PTX: one module per {@code src/main/cuda/*.cu} file, compiled by the build into
 * {@code dev/jvit/cuda/ptx/NAME.ptx}. Also reads each kernel's parameter list from the PTX text, so that a
 * launch whose Java arguments do not match the kernel's C signature fails with a clear message instead of
 * computing garbage (see {@link #check}).
 */
public final class Ptx {
    /** Every kernel family; each is a .cu file of the same name. */
    public static final List<String> MODULES = List.of("elementwise", "reductions", "softmax", "layernorm",
            "gelu", "conv", "indexing", "optimizer", "random", "gemm", "attention");

    private static final String RESOURCE_DIR = "/dev/jvit/cuda/ptx/";
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile(
            "\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)\\])?");

    private Ptx() {}

    /** The PTX text of a module, or null when the build did not compile the kernels. */
    public static String source(String module) {
        try (InputStream in = Ptx.class.getResourceAsStream(RESOURCE_DIR + module + ".ptx")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the PTX of " + module + ": " + e.getMessage(), e);
        }
    }

    /** The names of missing modules (empty when every kernel family was compiled). */
    public static List<String> missingModules() {
        List<String> missing = new ArrayList<>();
        for (String m : MODULES) {
            if (Ptx.class.getResource(RESOURCE_DIR + m + ".ptx") == null) missing.add(m);
        }
        return missing;
    }

    /**
     * One kernel parameter as Java passes it: 'i' a 32-bit integer, 'f' a float, 'l' a 64-bit value (a
     * pointer or a long long), 's' a struct of {@code bytes} bytes.
     */
    public record Param(char kind, int bytes) {}

    /** The kernels of a PTX module and their parameter lists, in declaration order. */
    public static Map<String, List<Param>> signatures(String ptx) {
        Map<String, List<Param>> out = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            List<Param> params = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                String type = p.group(1);
                if (p.group(2) != null) {
                    params.add(new Param('s', Integer.parseInt(p.group(2))));
                } else {
                    params.add(switch (type) {
                        case "u32", "s32", "b32" -> new Param('i', 4);
                        case "f32" -> new Param('f', 4);
                        case "u64", "s64", "b64" -> new Param('l', 8);
                        default -> throw new IllegalStateException("unexpected PTX parameter type ." + type
                                + " in kernel " + e.group(1));
                    });
                }
            }
            out.put(e.group(1), params);
        }
        return out;
    }

    /**
     * Checks Java launch arguments against a kernel's parameters; throws with both lists when they differ.
     */
    public static void check(String kernel, List<Param> params, Object[] args) {
        boolean ok = params.size() == args.length;
        for (int i = 0; ok && i < args.length; i++) ok = matches(params.get(i), args[i]);
        if (!ok) {
            StringBuilder given = new StringBuilder();
            for (Object a : args) given.append(given.isEmpty() ? "" : ", ").append(describe(a));
            throw new IllegalArgumentException("kernel " + kernel + " takes " + params + " but was given ["
                    + given + "]");
        }
    }

    private static boolean matches(Param p, Object a) {
        return switch (a) {
            case Integer i -> p.kind() == 'i';
            case Float f -> p.kind() == 'f';
            case Long l -> p.kind() == 'l';
            case Ptr ptr -> p.kind() == 'l';
            case int[] s -> p.kind() == 's' && p.bytes() == 4 * s.length;
            case null, default -> false;
        };
    }

    private static String describe(Object a) {
        return switch (a) {
            case null -> "null";
            case int[] s -> "int[" + s.length + "]";
            case Ptr p -> "pointer";
            default -> a.getClass().getSimpleName();
        };
    }

    /**
     * The PTX ISA version a driver of this CUDA version accepts at most ("8.4" for 12040), or null when it
     * is not known (older than 11.0, or newer than this table).
     */
    public static String maxIsaForDriver(int driverVersion) {
        int major = driverVersion / 1000, minor = driverVersion % 1000 / 10;
        if (major == 11) return "7." + Math.min(minor, 8);
        if (major == 12) {
            // 12.0 to 12.5 follow 8.minor; 12.6 stayed at 8.5; 12.8 brought 8.7 and 12.9 8.8
            int isa = minor <= 5 ? minor : minor <= 7 ? 5 : minor - 1;
            return "8." + Math.min(isa, 8);
        }
        if (major == 13 && minor == 0) return "9.0";
        return null;
    }

    /** The ".version X.Y" line of a PTX text, e.g. "9.0". */
    public static String isaVersion(String ptx) {
        Matcher m = Pattern.compile("(?m)^\\s*\\.version\\s+(\\d+\\.\\d+)").matcher(ptx);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The same PTX declaring an older ISA version. nvcc writes the ISA of its own release even when the code
     * uses nothing newer; kernels this simple (sm_75 instructions only) load unchanged on an older driver.
     */
    public static String withIsaVersion(String ptx, String version) {
        return ptx.replaceFirst("(?m)^(\\s*)\\.version\\s+\\d+\\.\\d+", "$1.version " + version);
    }
}
