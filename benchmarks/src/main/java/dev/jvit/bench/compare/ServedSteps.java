package dev.jvit.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The server end of the {@link StepServer} protocol, shared by jvit's training server ({@link TrainStepServer})
 * and its GEMM server ({@code bench serve-gemm}): one ready line, then one reply a line to each command until
 * {@code quit} or the end of input. A step is timed here, around the calls alone, so neither the pipe nor the
 * parent's scheduling lands in the figure.
 */
public final class ServedSteps {
    private ServedSteps() {}

    /**
     * Prints {@code ready readyFields}, then serves commands from in. memoryFields gives the fields of the reply
     * to {@code memory}; null when this server has no memory figures, and then {@code memory} is an unknown
     * command.
     */
    public static void serve(String readyFields, Runnable step, Supplier<String> memoryFields, BufferedReader in,
                             PrintStream out) throws IOException {
        out.println("ready " + readyFields);
        out.flush();
        String expected = memoryFields == null ? "steps N, quit" : "steps N, memory, quit";
        for (String raw; (raw = in.readLine()) != null; ) {
            String[] words = raw.strip().split("\\s+");
            if (words[0].isEmpty()) continue;
            if (words[0].equals("quit")) return;
            if (words[0].equals("steps") && words.length == 2 && words[1].matches("[1-9][0-9]{0,8}")) {
                int n = Integer.parseInt(words[1]);
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) step.run();
                out.printf(Locale.ROOT, "done steps=%d seconds=%.6f%n", n, (System.nanoTime() - t0) / 1e9);
            } else if (words[0].equals("memory") && words.length == 1 && memoryFields != null) {
                out.println("memory " + memoryFields.get());
            } else {
                out.println("error unknown command '" + raw.strip() + "' (expected: " + expected + ")");
            }
            out.flush();
        }
    }
}
