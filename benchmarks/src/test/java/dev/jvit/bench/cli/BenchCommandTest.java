package dev.jvit.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The quick timer's contract with scripts: one line ending in GFLOP/s, and clear errors for bad options. */
class BenchCommandTest {

    private static String captureOut(Supplier<Integer> run, int[] exit) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            exit[0] = run.get();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void gemmPrintsOneRateLine() {
        int[] exit = new int[1];
        for (String kernel : new String[] {"packed", "pack-a", "in-place-a", "scalar"}) {
            String out = captureOut(() -> BenchCommand.run("gemm", "--shape", "33x17x9", "--threads", "1",
                    "--kernel", kernel, "--runs", "3", "--warmup", "0"), exit);
            assertEquals(0, exit[0], out);
            String line = out.strip();
            assertTrue(line.startsWith("sgemm 33x17x9 threads=1 kernel=" + kernel + ": "), line);
            assertTrue(line.endsWith(" GFLOP/s"), line);
            double rate = Double.parseDouble(line.substring(line.lastIndexOf(": ") + 2, line.length() - " GFLOP/s".length()));
            assertTrue(rate > 0, line);
        }
    }

    @Test
    void gemmTimesABatchAndAcceptsCpuTimeWithTwoThreads() {
        int[] exit = new int[1];
        String out = captureOut(() -> BenchCommand.run("gemm", "--shape", "5x17x3", "--batch", "4", "--shared-b",
                "--trans-b", "--threads", "2", "--cpu-time", "--runs", "3", "--warmup", "0"), exit);
        assertEquals(0, exit[0], out);
        assertTrue(out.strip().startsWith("sgemm 5x17x3 batch=4 shared-b transB cpu-time threads=2 kernel=packed: "), out);
        captureOut(() -> BenchCommand.run("gemm", "--size", "8", "--shared-b", "--warmup", "0"), exit);
        assertNotEquals(0, exit[0]);
        captureOut(() -> BenchCommand.run("gemm", "--size", "8", "--batch", "0", "--warmup", "0"), exit);
        assertNotEquals(0, exit[0]);
    }

    /** bench compare's jvit GEMM side: the protocol on stdout, a product per step, and its bad sizes refused. */
    @Test
    void serveGemmAnswersStepsOnStdin() {
        java.io.InputStream oldIn = System.in;
        System.setIn(new java.io.ByteArrayInputStream("steps 4\nquit\n".getBytes(StandardCharsets.UTF_8)));
        int[] exit = new int[1];
        String out;
        try {
            out = captureOut(() -> BenchCommand.run("serve-gemm", "--size", "17", "--threads", "1"), exit);
        } finally {
            System.setIn(oldIn);
        }
        assertEquals(0, exit[0], out);
        String[] lines = out.strip().split("\\R");
        assertEquals(2, lines.length, out);
        assertTrue(lines[0].startsWith("ready size=17 threads=1 vector_bits="), lines[0]);
        assertTrue(lines[1].startsWith("done steps=4 seconds="), lines[1]);
        captureOut(() -> BenchCommand.run("serve-gemm", "--size", "0", "--threads", "1"), exit);
        assertNotEquals(0, exit[0]);
    }

    /** A miniature step (every product of a 2-image, 1-block ViT): one line per product and the total. */
    @Test
    void gemmStepListsEveryProductAndTheStepTotal() {
        int[] exit = new int[1];
        String out = captureOut(() -> BenchCommand.run("gemm-step", "--batch", "2", "--tokens", "5", "--dim", "8",
                "--heads", "2", "--mlp", "16", "--depth", "1", "--threads", "1", "--runs", "1", "--warmup", "0"), exit);
        assertEquals(0, exit[0], out);
        String[] lines = out.strip().split("\\R");
        assertEquals(1 + 12 + 6 + 1, lines.length, out);
        assertTrue(lines[1].contains("qkv fwd x.Wt 10x24x8"), lines[1]);
        assertTrue(lines[13].contains("q.kT 4x5x5x4"), lines[13]);
        assertTrue(lines[lines.length - 1].startsWith("step total: "), out);
        captureOut(() -> BenchCommand.run("gemm-step", "--dim", "10", "--heads", "4", "--runs", "1"), exit);
        assertNotEquals(0, exit[0]);
    }

    /** A regex that matches nothing is a one-line error that quotes it, not JMH's stack trace. */
    @Test
    void jmhRegexMatchingNothingIsNamed() {
        int[] exit = new int[1];
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            captureOut(() -> BenchCommand.run("jmh", "NoSuchBenchmarkAnywhere", "-o",
                    System.getProperty("java.io.tmpdir") + "/jvit-jmh-none.json"), exit);
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(2, exit[0], err.toString(StandardCharsets.UTF_8));
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("no JMH benchmark matches 'NoSuchBenchmarkAnywhere'"), msg);
        assertTrue(!msg.contains("\tat org.openjdk"), msg);
    }

    @Test
    void badOptionsFail() {
        int[] exit = new int[1];
        captureOut(() -> BenchCommand.run("gemm", "--kernel", "fast", "--size", "8", "--warmup", "0"), exit);
        assertNotEquals(0, exit[0]);
        captureOut(() -> BenchCommand.run("gemm", "--shape", "8x8", "--warmup", "0"), exit);
        assertNotEquals(0, exit[0]);
    }
}
