package dev.jvit.bench.cli;

import dev.jvit.bench.GemmVariant;
import dev.jvit.core.Parallel;
import dev.jvit.core.cpu.Gemm;
import dev.jvit.core.cpu.PackedGemm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code bench gemm}: times one SGEMM shape and prints the median GFLOP/s on one line, for side-by-side runs
 * against PyTorch (DESIGN "Performance method": ratios measured on the same machine, in the same session).
 * Small products are repeated inside each timed sample so a sample lasts long enough to time.
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "Time C = A*B in single precision and print the median GFLOP/s.")
final class GemmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--size", defaultValue = "1024", description = "Square size N (m = n = k = N). Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--shape", description = "MxNxK instead of a square size: C is MxN, the inner dimension K.")
    String shape;

    @Option(names = "--threads", description = "Thread count (default: all cores).")
    Integer threads;

    @Option(names = "--kernel", defaultValue = "packed", description = "packed (shipped), pack-a (A always packed), "
            + "in-place-a (row-major A never packed) or scalar. Default: ${DEFAULT-VALUE}.")
    String kernel;

    @Option(names = "--trans-a", description = "Read A through a transposed view (stored K x M).")
    boolean transA;

    @Option(names = "--trans-b", description = "Read B through a transposed view (stored N x K), as Linear's x*W^T does.")
    boolean transB;

    @Option(names = "--batch", defaultValue = "1", description = "Matrices per call: above 1, one sgemmBatch call over "
            + "that many separate products (attention heads). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--shared-b", description = "With --batch: every matrix multiplies the same B (a broadcast weight).")
    boolean sharedB;

    @Option(names = "--bits", description = "Vector width of the packed micro-kernel: 128, 256 or 512 (default: the CPU's).")
    Integer bits;

    @Option(names = "--runs", defaultValue = "9", description = "Timed samples; the median is printed. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--warmup", defaultValue = "3.0", description = "Seconds of warm-up (at least two calls; longer while calls still get faster). Default: ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(names = "--verbose", description = "Also print every sample.")
    boolean verbose;

    @Option(names = "--cpu-time", description = "Time with CPU time instead of the wall clock, steadier on a shared machine: "
            + "this thread's with --threads 1, the whole process's with more (then GFLOP/s is work per CPU-second).")
    boolean cpuTime;

    @Override
    public Integer call() {
        int[] mnk = {size, size, size};
        if (shape != null) {
            String[] parts = shape.toLowerCase().split("x");
            if (parts.length != 3) throw bad("--shape must be MxNxK, got '" + shape + "'");
            try {
                for (int i = 0; i < 3; i++) mnk[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw bad("--shape must be MxNxK with integer sizes, got '" + shape + "'");
            }
        }
        int m = mnk[0], n = mnk[1], k = mnk[2];
        if (m < 1 || n < 1 || k < 1) throw bad("sizes must be >= 1, got " + m + "x" + n + "x" + k);
        if (runs < 1) throw bad("--runs must be >= 1, got " + runs);
        if (batch < 1) throw bad("--batch must be >= 1, got " + batch);
        if (sharedB && batch == 1) throw bad("--shared-b needs --batch above 1");
        if (threads != null && threads < 1) throw bad("--threads must be >= 1, got " + threads);
        if (threads != null) Parallel.setThreads(threads);
        GemmVariant variant;
        try {
            variant = GemmVariant.parse(kernel);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        if (bits != null) {
            // read once when the micro-kernel class initialises, which has not happened yet in this JVM
            System.setProperty("jvit.gemm.bits", bits.toString());
            int actual;
            try {
                actual = PackedGemm.vectorBits();
            } catch (ExceptionInInitializerError e) {
                throw bad(String.valueOf(e.getCause().getMessage()));
            }
            if (actual != bits) {
                throw new IllegalStateException("the packed kernel was already initialised with "
                        + actual + "-bit vectors");
            }
        }
        Gemm gemm = variant.create();

        SplittableRandom rnd = new SplittableRandom(42);
        int mats = batch, bMats = sharedB ? 1 : batch;
        float[] a = random(rnd, mats * m * k), b = random(rnd, bMats * k * n), c = new float[mats * m * n];
        int ars = transA ? 1 : k, acs = transA ? m : 1, brs = transB ? 1 : n, bcs = transB ? k : 1;
        int[] aOffs = new int[mats], bOffs = new int[mats], cOffs = new int[mats];
        for (int i = 0; i < mats; i++) {
            aOffs[i] = i * m * k;
            bOffs[i] = sharedB ? 0 : i * k * n;
            cOffs[i] = i * m * n;
        }
        Runnable call = mats == 1
                ? () -> gemm.sgemm(m, n, k, a, 0, ars, acs, b, 0, brs, bcs, c, 0, n, false)
                : () -> gemm.sgemmBatch(mats, m, n, k, a, aOffs, ars, acs, b, bOffs, brs, bcs, c, cOffs, n, false);
        double flops = GemmVariant.flops(m, n, k) * mats;

        LongSupplier clock = clock();
        // Warm up for the requested time, then on while calls still get faster (C2 may still be compiling,
        // which takes seconds on a loaded machine), for at most 10 s more.
        long start = System.nanoTime(), lastGain = start;
        long warmEnd = start + (long) (warmupSeconds * 1e9), limit = warmEnd + 10_000_000_000L;
        long single = Long.MAX_VALUE;
        for (int i = 0; ; i++) {
            long t0 = System.nanoTime();
            call.run();
            long t1 = System.nanoTime();
            if (t1 - t0 < single * 0.95) lastGain = t1;
            single = Math.min(single, t1 - t0);
            boolean settled = t1 - lastGain > 500_000_000L || t1 > limit;
            if (i >= 1 && t1 >= warmEnd && (settled || warmupSeconds == 0)) break;
        }
        // repeat short products so each sample lasts about 20 ms
        int reps = (int) Math.max(1, Math.min(1_000_000, 20_000_000L / Math.max(single, 1)));
        double[] seconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = clock.getAsLong();
            for (int i = 0; i < reps; i++) call.run();
            seconds[r] = (clock.getAsLong() - t0) / 1e9 / reps;
            if (verbose) {
                System.out.printf("  sample %d: %.3f ms, %.1f GFLOP/s%n", r, seconds[r] * 1e3,
                        flops / seconds[r] / 1e9);
            }
        }
        Arrays.sort(seconds);
        double median = runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
        String layout = (mats > 1 ? " batch=" + mats + (sharedB ? " shared-b" : "") : "")
                + (transA ? " transA" : "") + (transB ? " transB" : "") + (cpuTime ? " cpu-time" : "")
                + (variant != GemmVariant.SCALAR && bits != null ? " bits=" + bits : "");
        double rate = flops / median / 1e9;
        // one decimal for real rates; three significant digits so that a cold or tiny run never prints 0.0
        String shown = rate >= 10 ? String.format("%.1f", rate) : String.format("%.3g", rate);
        System.out.printf("sgemm %dx%dx%d%s threads=%d kernel=%s: %s GFLOP/s%n", m, n, k, layout,
                Parallel.threads(), variant.label(), shown);
        return 0;
    }

    /** The wall clock, this thread's CPU time (one thread: the product runs here) or the process's. */
    private LongSupplier clock() {
        if (!cpuTime) return System::nanoTime;
        if (Parallel.threads() == 1) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            return mx::getCurrentThreadCpuTime;
        }
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
            throw bad("--cpu-time with more than one thread needs the process CPU time, which this JVM does not report");
        }
        return os::getProcessCpuTime;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
