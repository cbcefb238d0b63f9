package dev.jvit.bench;

import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two batched products of attention at each preset's shapes, through the backend's matmul with the
 * operands laid out as the model lays them out: q, k and v are selected from the permuted qkv output
 * (3, B, H, N, D) (strided views, not contiguous arrays), kᵀ is a transposed view.
 * <ul>
 *   <li>{@code scores}: q (B, H, N, D) · kᵀ (B, H, D, N) to (B, H, N, N)</li>
 *   <li>{@code context}: p (B, H, N, N) · v (B, H, N, D) to (B, H, N, D)</li>
 * </ul>
 * GFLOP/s = 2·B·H·N²·D / time for either.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchedMatmulBenchmark {

    /** Operands of one preset's attention on a device. */
    @State(Scope.Benchmark)
    public abstract static class Operands {
        @Param({"mnist-small", "cifar-demo", "vit-ti16"})
        public String model;
        NDArray q, kT, p, v;

        void init(Device device) {
            AttentionShape s = AttentionShape.of(model);
            Generator g = new Generator(7);
            NDArray qkv = NDArray.randn(g, s.batch(), s.tokens(), 3, s.heads(), s.headDim()).to(device)
                    .permute(2, 0, 3, 1, 4); // (3, B, H, N, D)
            q = qkv.select(0, 0);
            kT = qkv.select(0, 1).mT();
            v = qkv.select(0, 2);
            p = NDArray.rand(g, s.batch(), s.heads(), s.tokens(), s.tokens()).to(device);
        }
    }

    @State(Scope.Benchmark)
    public static class Cpu extends Operands {
        @Param({"simd", "scalar"})
        public String kernels;
        @Param({"1", "2"})
        public int threads;

        @Setup
        public void setup() {
            Variants.cpu(kernels, threads);
            init(Device.CPU);
        }
    }

    @State(Scope.Benchmark)
    public static class Cuda extends Operands {
        @Setup
        public void setup() {
            init(Variants.cuda());
        }
    }

    @Benchmark
    public NDArray scores(Cpu s) {
        return s.q.matmul(s.kT);
    }

    @Benchmark
    public NDArray context(Cpu s) {
        return s.p.matmul(s.v);
    }

    @Benchmark
    public NDArray cudaScores(Cuda s) {
        return Variants.sync(s.q.matmul(s.kT));
    }

    @Benchmark
    public NDArray cudaContext(Cuda s) {
        return Variants.sync(s.p.matmul(s.v));
    }
}
