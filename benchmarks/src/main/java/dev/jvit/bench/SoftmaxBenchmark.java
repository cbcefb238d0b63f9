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
 * The fused softmax over the last dimension of attention scores (B, H, N, N) at a preset's shape, forward
 * and backward ({@code dx = y·(dy − Σ dy·y)}), straight through the backend: the kernel alone, no autograd.
 * Memory-bound: each pass reads and writes B·H·N² floats.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SoftmaxBenchmark {

    @State(Scope.Benchmark)
    public abstract static class Operands {
        @Param({"mnist-small", "vit-ti16"})
        public String model;
        NDArray x, y, dy;

        void init(Device device) {
            AttentionShape s = AttentionShape.of(model);
            Generator g = new Generator(11);
            int[] shape = {s.batch(), s.heads(), s.tokens(), s.tokens()};
            x = NDArray.randn(g, shape).mul(3f).to(device);
            dy = NDArray.randn(g, shape).to(device);
            y = x.backend().softmax(x);
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
    public NDArray forward(Cpu s) {
        return s.x.backend().softmax(s.x);
    }

    @Benchmark
    public NDArray backward(Cpu s) {
        return s.x.backend().softmaxBackward(s.y, s.dy);
    }

    @Benchmark
    public NDArray cudaForward(Cuda s) {
        return Variants.sync(s.x.backend().softmax(s.x));
    }

    @Benchmark
    public NDArray cudaBackward(Cuda s) {
        return Variants.sync(s.x.backend().softmaxBackward(s.y, s.dy));
    }
}
