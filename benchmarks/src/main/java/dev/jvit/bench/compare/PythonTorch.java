package dev.jvit.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python scripts of the comparison with the environment that makes PyTorch's figures fair: OpenBLAS
 * and OpenMP limited to the thread count jvit uses, OpenBLAS left to pick its own kernel (no
 * {@code OPENBLAS_CORETYPE} / {@code OPENBLAS_L2_SIZE} inherited from the shell), and OpenMP's wait policy
 * as asked. The wait policy matters on a shared machine: with the default (active) policy PyTorch's threads
 * spin at every barrier, and on a 2-core machine with other work running a 2-thread step became 10 to 20
 * times slower than a 1-thread one; "passive" lets them sleep, which measured fastest for PyTorch here. (jvit's
 * workers spin for at most 2 ms after a job, then park, so while one side runs the other's threads are
 * asleep.)
 */
public final class PythonTorch {
    private final String python;
    private final int threads;
    private final String ompWaitPolicy;

    /** The outcome of asking the interpreter to import torch: its version, or why it could not. */
    public record Probe(boolean ok, String version, String reason) {}

    public PythonTorch(String python, int threads, String ompWaitPolicy) {
        this.python = python;
        this.threads = threads;
        this.ompWaitPolicy = ompWaitPolicy;
    }

    public String python() {
        return python;
    }

    /** Imports torch in a throwaway interpreter; never throws. */
    public Probe probe() {
        ProcessBuilder pb = builder(List.of("-c", "import torch; print(torch.__version__)")).redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Probe(false, null, "'import torch' did not finish in 120 s");
            }
            if (p.exitValue() == 0 && !out.isEmpty()) {
                String[] lines = out.split("\\R");
                return new Probe(true, lines[lines.length - 1].strip(), null);
            }
            String[] lines = out.isEmpty() ? new String[] {"exit code " + p.exitValue()} : out.split("\\R");
            return new Probe(false, null, "'import torch' failed: " + lines[lines.length - 1].strip());
        } catch (IOException e) {
            return new Probe(false, null, "cannot run it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(false, null, "interrupted");
        }
    }

    /** A process running script with args under the comparison's environment; stderr goes to ours. */
    public Process start(Path script, List<String> args) throws IOException {
        List<String> a = new ArrayList<>();
        a.add(script.toString());
        a.addAll(args);
        return builder(a).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private ProcessBuilder builder(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(python);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.remove("OPENBLAS_CORETYPE");
        env.remove("OPENBLAS_L2_SIZE");
        String t = Integer.toString(threads);
        env.put("OPENBLAS_NUM_THREADS", t);
        env.put("OMP_NUM_THREADS", t);
        env.put("MKL_NUM_THREADS", t);
        if (ompWaitPolicy != null) env.put("OMP_WAIT_POLICY", ompWaitPolicy.toUpperCase(java.util.Locale.ROOT));
        return pb;
    }

    /**
     * reference/vit_torch.py in its serving mode for one preset (configJson, as {@code CompareCommand} writes
     * it): the model built once, then timed on request.
     */
    public StepServer trainServer(Path script, String configJson, int batch, String device) throws IOException {
        return new StepServer(start(script, List.of("--config-json", configJson, "--batch", Integer.toString(batch),
                "--threads", Integer.toString(threads), "--device", device, "--serve")), "PyTorch");
    }

    /** benchmarks/scripts/torch_matmul.py in its serving mode: n x n operands made once, one product a step. */
    public StepServer gemmServer(Path script, int n) throws IOException {
        String s = Integer.toString(n);
        return new StepServer(start(script, List.of(Integer.toString(threads), s, s, s, "serve")), "PyTorch");
    }
}
