package dev.jvit.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvit.bench.compare.CompareResults;
import dev.jvit.core.Device;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backends;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench compare without PyTorch (an interpreter that cannot import it): the advice to install it, and
 * jvit's own figures all the same; then bench report on what it wrote. Tiny settings keep it fast.
 */
class CompareCommandTest {
    private final int threads = Parallel.threads();

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        Parallel.setThreads(threads);
    }

    private static String run(int[] exit, String... args) {
        PrintStream old = System.out, oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            exit[0] = BenchCommand.run(args);
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** A "python" that runs, but whose import of torch fails: python3 without site-packages, or a stub. */
    private Path pythonWithoutTorch() throws IOException {
        Path p = dir.resolve("python-without-torch");
        Files.writeString(p, "#!/bin/sh\n"
                + "if command -v python3 >/dev/null 2>&1; then exec python3 -S -c 'import torch'; fi\n"
                + "echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit 1\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void withoutTorchSaysHowToInstallItAndStillMeasuresJvit() throws IOException {
        Path json = dir.resolve("out/compare.json");
        int[] exit = new int[1];
        String out = run(exit, "compare", "--config", "mnist-tiny", "--batch", "2", "--threads", "1", "--steps", "1",
                "--rounds", "1", "--warmup", "1", "--warmup-seconds", "0", "--gemm-sizes", "16",
                "--python", pythonWithoutTorch().toString(), "--json", json.toString());
        assertEquals(0, exit[0], out);
        assertTrue(out.contains("PyTorch is not available") && out.contains("python3-torch"), out);
        assertTrue(out.contains("No module named 'torch'"), out);
        assertTrue(out.contains("train mnist-tiny cpu threads=1: jvit ") && out.contains(" img/s, torch n/a"), out);
        assertTrue(out.contains("memory mnist-tiny cpu batch=2: jvit heap peak "), out);
        assertTrue(out.contains("sgemm 16 threads=1: jvit ") && out.contains("GFLOP/s, torch n/a"), out);

        CompareResults r = new ObjectMapper().readValue(json.toFile(), CompareResults.class);
        assertNull(r.torchVersion());
        assertTrue(r.torchMissing().contains("torch"), r.torchMissing());
        assertEquals(1, r.train().size());
        assertTrue(r.train().get(0).jvit() > 0);
        assertNull(r.train().get(0).torch());
        assertTrue(r.memory().get(0).figures().jvitHeapPeakBytes() > 0);
        assertEquals(-1, r.memory().get(0).figures().torchPeakRssBytes());
        assertTrue(r.command().startsWith("./jvit bench compare --config mnist-tiny"), r.command());
        CompareResults.Gemm g = r.gemm().get(0);
        assertEquals(16, g.size());
        assertEquals(1, g.jvitRounds().size(), "one timed round, as --rounds asks");
        assertEquals(g.jvit(), g.jvitRounds().get(0));
        assertTrue(g.productsPerRound() >= 1 && g.torchRounds().isEmpty() && g.torch() == null, g.toString());

        Path page = dir.resolve("BENCHMARKS.md");
        String rep = run(exit, "report", "--input", json.toString(), "--output", page.toString(), "--plots",
                dir.resolve("plots").toString());
        assertEquals(0, exit[0], rep);
        String md = Files.readString(page);
        assertTrue(md.contains("| mnist-tiny | 2 | 1 |") && md.contains("≥ 5.0×: no PyTorch figure"), md);
        assertTrue(md.contains("PyTorch not available"), md);
        assertTrue(md.contains("](plots/train.png)") && md.contains("](plots/gemm.png)"), md);
        assertTrue(Files.size(dir.resolve("plots/train.png")) > 1000 && Files.size(dir.resolve("plots/gemm.png")) > 1000);
    }

    @Test
    void aMissingInterpreterIsReportedToo() {
        int[] exit = new int[1];
        String out = run(exit, "compare", "--config", "none", "--no-gemm", "--python", dir.resolve("no-such-python").toString());
        assertEquals(0, exit[0], out);
        assertTrue(out.contains("PyTorch is not available") && out.contains("cannot run it"), out);
    }

    @Test
    void badOptionsFailWithTheirName() {
        int[] exit = new int[1];
        String out = run(exit, "compare", "--config", "mnist-huge", "--no-gemm");
        assertNotEquals(0, exit[0]);
        assertTrue(out.contains("mnist-huge") && out.contains("mnist-small"), out);
        out = run(exit, "compare", "--config", "none", "--omp-wait", "sometimes");
        assertNotEquals(0, exit[0]);
        assertTrue(out.contains("--omp-wait"), out);
        if (!Backends.isAvailable(Device.cuda(0))) {
            out = run(exit, "compare", "--config", "mnist-tiny", "--device", "cuda");
            assertNotEquals(0, exit[0]);
            assertTrue(out.contains("--device cuda is unavailable"), out);
        }
        out = run(exit, "serve-train", "--config", "mnist-huge", "--batch", "1", "--threads", "1");
        assertNotEquals(0, exit[0]);
        assertTrue(out.contains("unknown model 'mnist-huge'"), out);
        out = run(exit, "report", "--input", dir.resolve("missing.json").toString());
        assertNotEquals(0, exit[0]);
        assertTrue(out.contains("missing.json"), out);
    }

    @Test
    void configJsonCarriesThePresetForPyTorch() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new ObjectMapper().readValue(CompareCommand.configJson("cifar-demo"), Map.class);
        assertEquals("cifar-demo", m.get("name"));
        assertEquals(32, m.get("imageSize"));
        assertEquals(3, m.get("channels"));
        assertEquals(8, m.get("patchSize"));
        assertEquals("sincos2d", m.get("posEmbed"));
        assertEquals(false, m.get("convPatchEmbed"));
        assertEquals("vit", m.get("family"));
        assertEquals(Map.of("name", "hybrid-mnist", "family", "hybrid-mnist"), new ObjectMapper().readValue(CompareCommand.configJson("hybrid-mnist"), Map.class));
    }
}
