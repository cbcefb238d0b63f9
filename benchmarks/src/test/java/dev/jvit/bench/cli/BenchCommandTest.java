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
        for (String kernel : new String[] {"packed", "scalar"}) {
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
    void badOptionsFail() {
        int[] exit = new int[1];
        captureOut(() -> BenchCommand.run("gemm", "--kernel", "fast", "--size", "8", "--warmup", "0"), exit);
        assertNotEquals(0, exit[0]);
        captureOut(() -> BenchCommand.run("gemm", "--shape", "8x8", "--warmup", "0"), exit);
        assertNotEquals(0, exit[0]);
    }
}
