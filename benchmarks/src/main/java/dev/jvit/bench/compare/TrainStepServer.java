package dev.jvit.bench.compare;

import dev.jvit.bench.TrainStep;
import dev.jvit.core.Parallel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * jvit's side of the {@link TrainServer} protocol: answers {@code steps N} with the seconds N steps of one
 * {@link TrainStep} took, until {@code quit} or the end of input. It runs in a JVM of its own ({@code bench
 * serve-train}) because the JIT state a preset leaves behind slows the next one: in one JVM, mnist-small timed
 * after mnist-tiny ran at 340-530 img/s in about half the runs against 600-900 alone, its vector kernels
 * deoptimised when the head width changed (D = 4 to 16) and for a while run as the Vector API's Java fallback.
 * A user trains one model per JVM; the benchmark should time that. Memory is measured by the parent
 * ({@link HeapProbe}), so {@code memory} is not answered here.
 */
public final class TrainStepServer {
    private TrainStepServer() {}

    /** Prints the "ready" line, then serves commands from in until "quit" or the end of input. */
    public static void serve(TrainStep step, BufferedReader in, PrintStream out) throws IOException {
        out.printf(Locale.ROOT, "ready params=%d threads=%d batch=%d%n", step.parameterCount(), Parallel.threads(),
                step.batch());
        out.flush();
        for (String raw; (raw = in.readLine()) != null; ) {
            String[] words = raw.strip().split("\\s+");
            if (words[0].isEmpty()) continue;
            if (words[0].equals("quit")) return;
            if (words[0].equals("steps") && words.length == 2 && words[1].matches("[1-9][0-9]{0,8}")) {
                int n = Integer.parseInt(words[1]);
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) step.run();
                out.printf(Locale.ROOT, "done steps=%d seconds=%.6f%n", n, (System.nanoTime() - t0) / 1e9);
            } else {
                out.println("error unknown command '" + raw.strip() + "' (expected: steps N, quit)");
            }
            out.flush();
        }
    }
}
