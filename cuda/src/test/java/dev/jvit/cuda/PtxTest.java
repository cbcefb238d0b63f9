package dev.jvit.cuda;

import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The kernels as the build packages them, checked without a GPU. */
class PtxTest {
    private static final Path SOURCES = Path.of("src", "main", "cuda");

    private static boolean nvccOnPath() {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) if (new File(dir, "nvcc").canExecute()) return true;
        return false;
    }

    @Test
    void everyCuFileIsAModuleTheBackendKnows() throws IOException {
        TreeSet<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(SOURCES)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .forEach(n -> files.add(n.substring(0, n.length() - 3)));
        }
        assertEquals(files, new TreeSet<>(Ptx.MODULES));
    }

    @Test
    void ptxIsPackagedWhenNvccIsPresent() {
        assumeTrue(nvccOnPath(), "nvcc is not on the PATH");
        assertEquals(List.of(), Ptx.missingModules());
        for (String m : Ptx.MODULES) {
            String ptx = Ptx.source(m);
            assertNotNull(ptx, m);
            assertTrue(ptx.contains(".entry"), m + " has no kernels");
            assertNotNull(Ptx.isaVersion(ptx), m + " has no .version line");
        }
    }

    @Test
    void signaturesAreParsedFromPtx() {
        assumeTrue(nvccOnPath(), "nvcc is not on the PATH");
        Map<String, List<Ptx.Param>> sig = Ptx.signatures(Ptx.source("elementwise"));
        assertEquals(List.of(new Ptx.Param('i', 4), new Ptx.Param('i', 4), new Ptx.Param('s', 4 * StridedLayout.PACKED_INTS),
                new Ptx.Param('l', 8), new Ptx.Param('l', 8)), sig.get("unary_nd"));
        assertEquals(List.of(new Ptx.Param('f', 4), new Ptx.Param('i', 4), new Ptx.Param('l', 8), new Ptx.Param('i', 4),
                new Ptx.Param('l', 8), new Ptx.Param('i', 4)), sig.get("pow_scalar_1d"));
        // the conv geometry struct is 12 ints
        assertEquals(new Ptx.Param('s', 48), Ptx.signatures(Ptx.source("conv")).get("im2col").get(0));
    }

    @Test
    void launchArgumentsAreCheckedAgainstTheSignature() {
        List<Ptx.Param> params = List.of(new Ptx.Param('i', 4), new Ptx.Param('f', 4), new Ptx.Param('l', 8),
                new Ptx.Param('s', 8));
        Ptx.check("k", params, new Object[] {1, 2f, 3L, new int[2]});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ptx.check("k", params, new Object[] {1, 2, 3L, new int[2]}));
        assertTrue(e.getMessage().contains("kernel k"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ptx.check("k", params, new Object[] {1, 2f, 3L}));
        assertThrows(IllegalArgumentException.class, () -> Ptx.check("k", params, new Object[] {1, 2f, 3L, new int[3]}));
    }

    /** KernelCodes must agree with the #defines the kernels switch on, name by name. */
    @Test
    void opCodesMatchTheKernelDefines() throws IOException {
        String elementwise = Files.readString(SOURCES.resolve("elementwise.cu"));
        String reductions = Files.readString(SOURCES.resolve("reductions.cu"));
        for (UnaryOp op : UnaryOp.values()) assertEquals(define(elementwise, "U_" + op.name()), KernelCodes.of(op), op.name());
        for (BinaryOp op : BinaryOp.values()) assertEquals(define(elementwise, "B_" + op.name()), KernelCodes.of(op), op.name());
        for (ReduceOp op : ReduceOp.values()) assertEquals(define(reductions, "R_" + op.name()), KernelCodes.of(op), op.name());
    }

    private static int define(String source, String name) {
        Matcher m = Pattern.compile("#define " + name + " (\\d+)").matcher(source);
        assertTrue(m.find(), name + " is not defined");
        return Integer.parseInt(m.group(1));
    }

    @Test
    void isaVersionsForOlderDrivers() {
        assertEquals("8.4", Ptx.maxIsaForDriver(12040));
        assertEquals("8.5", Ptx.maxIsaForDriver(12060));
        assertEquals("8.7", Ptx.maxIsaForDriver(12080));
        assertEquals("8.8", Ptx.maxIsaForDriver(12090));
        assertEquals("7.8", Ptx.maxIsaForDriver(11080));
        assertEquals("9.0", Ptx.maxIsaForDriver(13000));
        assertNull(Ptx.maxIsaForDriver(10020));
        String ptx = "//\n// Generated\n\n.version 9.0\n.target sm_75\n";
        assertEquals("9.0", Ptx.isaVersion(ptx));
        String patched = Ptx.withIsaVersion(ptx, "8.4");
        assertEquals("8.4", Ptx.isaVersion(patched));
        assertTrue(patched.contains(".target sm_75"));
        assertFalse(patched.contains("9.0"));
    }
}
