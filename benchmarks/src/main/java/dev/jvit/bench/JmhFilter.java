package dev.jvit.bench;

import dev.jvit.core.backend.Backends;
import java.io.PrintStream;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;

/**
 * Leaves the CUDA benchmarks (methods named {@code cuda...}) out of a JMH run on a machine where the CUDA
 * backend cannot be had, saying why once, so that they are absent instead of failing in every fork.
 */
public final class JmhFilter {
    /** Matches the benchmark methods that need a GPU, e.g. {@code dev.jvit.bench.SoftmaxBenchmark.cudaForward}. */
    public static final String CUDA_METHODS = "\\.cuda[A-Z]\\w*$";

    private JmhFilter() {}

    /** Excludes the CUDA methods when no GPU is usable; returns whether it did. */
    public static boolean apply(ChainedOptionsBuilder options, PrintStream out) {
        String why = Backends.unavailableReason(Variants.CUDA);
        if (why == null) return false;
        options.exclude(CUDA_METHODS);
        out.println("CUDA benchmarks skipped: " + why);
        return true;
    }
}
