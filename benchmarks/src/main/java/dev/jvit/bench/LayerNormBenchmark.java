package dev.jvit.bench;

import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;
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
 * The fused layer norm over the last dimension of the tokens x (B, N, C) at a preset's shape, with weight
 * and bias, forward (saving mean and rstd) and backward (dx, dweight, dbias), straight through the backend.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LayerNormBenchmark {
    static final float EPS = 1e-5f;

    @State(Scope.Benchmark)
    public abstract static class Operands {
        @Param({"mnist-small", "vit-ti16"})
        public String model;
        NDArray x, weight, bias, dy;
        LayerNormResult saved;

        void init(Device device) {
            AttentionShape s = AttentionShape.of(model);
            Generator g = new Generator(13);
            x = NDArray.randn(g, s.batch(), s.tokens(), s.dim()).to(device);
            dy = NDArray.randn(g, s.batch(), s.tokens(), s.dim()).to(device);
            weight = NDArray.randn(g, s.dim()).mul(0.1f).add(1f).to(device);
            bias = NDArray.randn(g, s.dim()).mul(0.1f).to(device);
            saved = x.backend().layerNorm(x, weight, bias, EPS);
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

    static LayerNormGrads backward(Operands s) {
        return s.x.backend().layerNormBackward(s.dy, s.x, s.weight, s.saved.mean(), s.saved.rstd(), true);
    }

    @Benchmark
    public LayerNormResult forward(Cpu s) {
        return s.x.backend().layerNorm(s.x, s.weight, s.bias, EPS);
    }

    @Benchmark
    public LayerNormGrads backward(Cpu s) {
        return backward((Operands) s);
    }

    @Benchmark
    public NDArray cudaForward(Cuda s) {
        return Variants.sync(s.x.backend().layerNorm(s.x, s.weight, s.bias, EPS).y());
    }

    @Benchmark
    public NDArray cudaBackward(Cuda s) {
        return Variants.sync(backward((Operands) s).dx());
    }
}
