package dev.jvit.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A unit of work built once in another process and timed on request (a training step, or one SGEMM), one
 * command a line on its stdin and one reply a line on its stdout: {@code ready key=value ...} when built, then
 * {@code steps N} answered by {@code done steps=N seconds=T}, {@code memory} by {@code memory key=value ...}
 * (training servers only), and {@code quit}. PyTorch's side is reference/vit_torch.py {@code --serve} or
 * benchmarks/scripts/torch_matmul.py {@code serve}; jvit's is {@code bench serve-train} ({@link TrainStepServer})
 * or {@code bench serve-gemm} in a child JVM, so that each preset and size is timed in a JVM of its own and the
 * rounds of both sides still alternate.
 */
public final class StepServer implements AutoCloseable {
    private final Process process;
    private final String who;
    private final BufferedReader in;
    private final Map<String, String> ready;

    /** Wraps a started server process and waits for its "ready" line; who names it in error messages. */
    public StepServer(Process process, String who) throws IOException {
        this.process = process;
        this.who = who;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            this.ready = CompareFormat.parseReply(in.readLine(), "ready", who);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The fields of the "ready" line (PyTorch's: params, torch, threads, rss_after_build_kb). */
    public Map<String, String> ready() {
        return ready;
    }

    /** Runs n steps (n products, for a GEMM server) and returns the seconds they took, as the server timed them. */
    public double steps(int n) throws IOException {
        send("steps " + n);
        return Double.parseDouble(CompareFormat.parseReply(in.readLine(), "done", who).get("seconds"));
    }

    /** The server's memory figures (PyTorch's: peak_rss_kb, and cuda_peak_bytes on a GPU). */
    public Map<String, String> memory() throws IOException {
        send("memory");
        return CompareFormat.parseReply(in.readLine(), "memory", who);
    }

    private void send(String command) throws IOException {
        process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        try {
            send("quit");
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone: nothing to tell it
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
