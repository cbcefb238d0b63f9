package dev.jvit.bench.cli;

import dev.jvit.bench.compare.ServedSteps;
import dev.jvit.core.Parallel;
import dev.jvit.core.cpu.PackedGemm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench serve-gemm}: the shipped SGEMM on one square size, served on stdin and stdout ({@link ServedSteps};
 * a step is one product), which is how {@code bench compare} alternates short rounds of jvit's and PyTorch's
 * GEMM. Hidden from the help, like {@code serve-train}; {@code bench gemm} is the command to run by hand.
 */
@Command(name = "serve-gemm", hidden = true, description = "Serve timed SGEMM products of one size (bench compare's jvit side).")
final class ServeGemmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--size", required = true, description = "Square size N (m = n = k = N).")
    int size;

    @Option(names = "--threads", required = true, description = "Worker threads.")
    int threads;

    @Override
    public Integer call() throws IOException {
        if (size < 1) throw bad("--size must be >= 1, got " + size);
        if (threads < 1) throw bad("--threads must be >= 1, got " + threads);
        Parallel.setThreads(threads);
        int n = size;
        SplittableRandom rnd = new SplittableRandom(42);
        float[] a = GemmCommand.random(rnd, n * n), b = GemmCommand.random(rnd, n * n), c = new float[n * n];
        PackedGemm gemm = new PackedGemm();
        String ready = String.format(Locale.ROOT, "size=%d threads=%d vector_bits=%d", n, threads, PackedGemm.vectorBits());
        ServedSteps.serve(ready, () -> gemm.sgemm(n, n, n, a, 0, n, 1, b, 0, n, 1, c, 0, n, false), null,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
        return 0;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
