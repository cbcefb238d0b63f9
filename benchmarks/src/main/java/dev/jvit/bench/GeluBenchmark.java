package dev.jvit.bench;

import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.GeluApproximation;
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
 * GELU on the MLP's hidden activations (B, N, mlp) at a preset's shape, both of PyTorch's forms: exact
 * ({@code none}, erf) and {@code tanh}; forward and backward ({@code dx = dy·gelu'(x)}), through the backend.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GeluBenchmark {

    @State(Scope.Benchmark)
    public abstract static class Operands {
        @Param({"mnist-small", "vit-ti16"})
        public String model;
        @Param({"none", "tanh"})
        public String approximation;
        GeluApproximation form;
        NDArray x, dy;

        void init(Device device) {
            form = GeluApproximation.valueOf(approximation.toUpperCase(java.util.Locale.ROOT));
            AttentionShape s = AttentionShape.of(model);
            Generator g = new Generator(17);
            x = NDArray.randn(g, s.batch(), s.tokens(), s.mlp()).mul(2f).to(device);
            dy = NDArray.randn(g, s.batch(), s.tokens(), s.mlp()).to(device);
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
        return s.x.backend().gelu(s.x, s.form);
    }

    @Benchmark
    public NDArray backward(Cpu s) {
        return s.x.backend().geluBackward(s.x, s.dy, s.form);
    }

    @Benchmark
    public NDArray cudaForward(Cuda s) {
        return Variants.sync(s.x.backend().gelu(s.x, s.form));
    }

    @Benchmark
    public NDArray cudaBackward(Cuda s) {
        return Variants.sync(s.x.backend().geluBackward(s.x, s.dy, s.form));
    }
}
