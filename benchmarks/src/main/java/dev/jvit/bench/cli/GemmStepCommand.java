package dev.jvit.bench.cli;

import dev.jvit.bench.GemmVariant;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench gemm-step}: every matrix product of one training step of a small ViT (default: mnist-small,
 * batch 128, 50 tokens, dim 64, 4 heads, MLP 128, 6 blocks), each built with the same views the model uses
 * (Linear's x·Wᵀ with Wᵀ a transposed view, q and k as slices of the permuted qkv output, the backward
 * products of autograd's Matmul), run through the CPU backend's {@code matmul} and timed on its own. Prints
 * the median GFLOP/s of every product and the time all of them take per step, which is what the GEMM costs
 * a training step. Compare two builds by running the same command against each.
 */
@Command(name = "gemm-step", mixinStandardHelpOptions = true,
        description = "Time the matrix products of one ViT training step through the CPU backend.")
final class GemmStepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--batch", defaultValue = "128", description = "Images per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--tokens", defaultValue = "50", description = "Tokens per image (patches + class token). Default: ${DEFAULT-VALUE}.")
    int tokens;

    @Option(names = "--dim", defaultValue = "64", description = "Embedding dimension. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads. Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(names = "--mlp", defaultValue = "128", description = "MLP hidden size. Default: ${DEFAULT-VALUE}.")
    int mlp;

    @Option(names = "--depth", defaultValue = "6", description = "Blocks (each product runs once per block). Default: ${DEFAULT-VALUE}.")
    int depth;

    @Option(names = "--threads", description = "Thread count (default: all cores).")
    Integer threads;

    @Option(names = "--runs", defaultValue = "9", description = "Timed samples per product; the median is used. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--cpu-time", description = "Time with CPU time instead of the wall clock: this thread's with one "
            + "thread, the whole process's with more (then the figure is work per CPU-second, not speed-up).")
    boolean cpuTime;

    @Option(names = "--warmup", defaultValue = "1.5", description = "Seconds of warm-up per product (at least five calls). Default: ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(names = "--only", description = "Run only the products whose name contains this text.")
    String only;

    /** One product: its name, how often a step runs it, its flops, and the call. */
    private record Product(String name, int perStep, double flops, Runnable call) {}

    @Override
    public Integer call() {
        if (batch < 1 || tokens < 1 || dim < 1 || heads < 1 || mlp < 1 || depth < 1) {
            throw bad("sizes must be >= 1");
        }
        if (dim % heads != 0) throw bad("--dim " + dim + " is not a multiple of --heads " + heads);
        if (runs < 1) throw bad("--runs must be >= 1, got " + runs);
        if (warmupSeconds < 0) throw bad("--warmup must be >= 0, got " + warmupSeconds);
        if (threads != null && threads < 1) throw bad("--threads must be >= 1, got " + threads);
        if (threads != null) Parallel.setThreads(threads);
        Backend cpu = Backends.cpu();
        List<Product> products = products(cpu);
        LongSupplier clock = clock();

        System.out.printf("gemm-step: batch %d, tokens %d, dim %d, heads %d, mlp %d, depth %d, threads %d, %s, %s%n",
                batch, tokens, dim, heads, mlp, depth, Parallel.threads(), cpuTime ? "cpu time" : "wall time",
                cpu.name());
        double stepSeconds = 0, stepFlops = 0;
        for (Product p : products) {
            if (only != null && !p.name().contains(only)) continue;
            double s = medianSeconds(p.call(), clock);
            stepSeconds += s * p.perStep();
            stepFlops += p.flops() * p.perStep();
            System.out.printf("  %-34s x%-2d %8.3f ms %7.1f GFLOP/s%n", p.name(), p.perStep(), s * 1e3,
                    p.flops() / s / 1e9);
        }
        System.out.printf("step total: %.1f ms for %.2f GFLOP, %.1f GFLOP/s%n", stepSeconds * 1e3, stepFlops / 1e9,
                stepFlops / stepSeconds / 1e9);
        return 0;
    }

    private List<Product> products(Backend cpu) {
        Generator g = new Generator(7);
        int t = batch * tokens, hd = dim / heads;
        List<Product> out = new ArrayList<>();
        // Linear layers of a block: x (T, in) · Wᵀ, W (out, in); backward dX = dY · W and dWᵀ = xᵀ · dY
        int[][] linears = {{dim, 3 * dim}, {dim, dim}, {dim, mlp}, {mlp, dim}};
        String[] names = {"qkv", "proj", "fc1", "fc2"};
        for (int l = 0; l < linears.length; l++) {
            int in = linears[l][0], o = linears[l][1];
            NDArray x = NDArray.randn(g, t, in), w = NDArray.randn(g, o, in), dy = NDArray.randn(g, t, o);
            String shape = t + "x" + o + "x" + in;
            out.add(new Product(names[l] + " fwd x.Wt " + shape, depth, GemmVariant.flops(t, o, in),
                    () -> cpu.matmul(x, w.mT())));
            out.add(new Product(names[l] + " dX dY.W " + t + "x" + in + "x" + o, depth, GemmVariant.flops(t, in, o),
                    () -> cpu.matmul(dy, w)));
            out.add(new Product(names[l] + " dW xT.dY " + in + "x" + o + "x" + t, depth, GemmVariant.flops(in, o, t),
                    () -> cpu.matmul(x.mT(), dy)));
        }
        // attention: q, k, v are slices of the qkv output (B, N, 3, H, D) permuted to (3, B, H, N, D)
        NDArray qkv = NDArray.randn(g, batch, tokens, 3, heads, hd).permute(2, 0, 3, 1, 4);
        NDArray q = qkv.select(0, 0), k = qkv.select(0, 1), v = qkv.select(0, 2);
        NDArray probs = NDArray.randn(g, batch, heads, tokens, tokens);
        NDArray dScores = NDArray.randn(g, batch, heads, tokens, tokens);
        // the output's gradient arrives as (B, N, H, D) and is viewed as (B, H, N, D)
        NDArray dOut = NDArray.randn(g, batch, tokens, heads, hd).transpose(1, 2);
        long mats = (long) batch * heads;
        double nnd = GemmVariant.flops(tokens, tokens, hd) * mats;
        String bh = mats + "x";
        out.add(new Product("q.kT " + bh + tokens + "x" + tokens + "x" + hd, depth, nnd, () -> cpu.matmul(q, k.mT())));
        out.add(new Product("p.v " + bh + tokens + "x" + hd + "x" + tokens, depth, nnd, () -> cpu.matmul(probs, v)));
        out.add(new Product("dq dS.k " + bh + tokens + "x" + hd + "x" + tokens, depth, nnd,
                () -> cpu.matmul(dScores, k)));
        out.add(new Product("dkT qT.dS " + bh + hd + "x" + tokens + "x" + tokens, depth, nnd,
                () -> cpu.matmul(q.mT(), dScores)));
        out.add(new Product("dp dO.vT " + bh + tokens + "x" + tokens + "x" + hd, depth, nnd,
                () -> cpu.matmul(dOut, v.mT())));
        out.add(new Product("dv pT.dO " + bh + tokens + "x" + hd + "x" + tokens, depth, nnd,
                () -> cpu.matmul(probs.mT(), dOut)));
        return out;
    }

    private LongSupplier clock() {
        if (!cpuTime) return System::nanoTime;
        if (Parallel.threads() == 1) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            return mx::getCurrentThreadCpuTime;
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
            throw bad("--cpu-time with more than one thread needs the process CPU time, which this JVM does not report");
        }
        return sun::getProcessCpuTime;
    }

    /** Warms the call up (C2 compiles it), then returns the median seconds per call over the samples. */
    private double medianSeconds(Runnable call, LongSupplier clock) {
        long single = Long.MAX_VALUE, end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 5 || System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            call.run();
            single = Math.min(single, System.nanoTime() - t0);
        }
        int reps = (int) Math.max(1, 30_000_000L / Math.max(single, 1));
        double[] s = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = clock.getAsLong();
            for (int i = 0; i < reps; i++) call.run();
            s[r] = (clock.getAsLong() - t0) / 1e9 / reps;
        }
        Arrays.sort(s);
        return runs % 2 == 1 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
