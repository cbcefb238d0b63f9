package dev.jvit.bench.compare;

import dev.jvit.bench.TrainStep;
import dev.jvit.core.Parallel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * jvit's training side of the {@link StepServer} protocol: answers {@code steps N} with the seconds N steps of one
 * {@link TrainStep} took, until {@code quit} or the end of input. It runs in a JVM of its own ({@code bench
 * serve-train}) because the JIT state a preset leaves behind slows the next one: in one JVM, mnist-small timed
 * after mnist-tiny ran at 340-530 img/s in about half the runs against 600-900 alone, its vector kernels
 * deoptimised when the head width changed (D = 4 to 16) and for a while run as the Vector API's Java fallback.
 * A user trains one model per JVM; the benchmark should time that. {@code memory} measures the heap here,
 * after the timed rounds, over 10 s more of steps ({@link HeapProbe}: a probe in a JVM that has run only a few
 * steps reports G1's start-up sizing, not the heap of a run).
 */
public final class TrainStepServer {
    private TrainStepServer() {}

    /**
     * Prints the "ready" line, then serves commands from in until "quit" or the end of input. devicePeak gives
     * the device allocator's peak bytes, -1 on the CPU.
     */
    public static void serve(TrainStep step, LongSupplier devicePeak, BufferedReader in, PrintStream out) throws IOException {
        String ready = String.format(Locale.ROOT, "params=%d threads=%d batch=%d", step.parameterCount(), Parallel.threads(),
                step.batch());
        ServedSteps.serve(ready, step::run, () -> {
            long[] heap = HeapProbe.measure(step);
            return String.format(Locale.ROOT, "heap_peak_bytes=%d live_bytes=%d device_peak_bytes=%d", heap[0], heap[1],
                    devicePeak.getAsLong());
        }, in, out);
    }
}
