package dev.jvit.bench;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.functional.Functional;
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
 * Scaled dot-product attention through autograd, {@link Functional#attention} on q, k, v (B, H, N, D) at a
 * preset's shape: softmax(q·kᵀ/√D)·v. {@code forward} runs inside NoGrad (inference: no graph);
 * {@code forwardBackward} records the graph and back-propagates a random upstream gradient to q, k and v,
 * which is what one attention layer costs a training step (the qkv and proj Linears aside).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AttentionBenchmark {

    @State(Scope.Benchmark)
    public abstract static class Operands {
        // mnist-tiny's heads are 4 wide, narrower than a vector: the kernels' four-lane path, and about half of
        // that preset's training step
        @Param({"mnist-tiny", "mnist-small", "cifar-demo", "vit-ti16"})
        public String model;
        Tensor q, k, v;
        NDArray dy;
        float scale;
        final Generator dropout = new Generator(0); // attention takes one; p = 0 draws nothing

        void init(Device device) {
            AttentionShape s = AttentionShape.of(model);
            Generator g = new Generator(19);
            int[] shape = {s.batch(), s.heads(), s.tokens(), s.headDim()};
            q = Tensor.param(NDArray.randn(g, shape).to(device));
            k = Tensor.param(NDArray.randn(g, shape).to(device));
            v = Tensor.param(NDArray.randn(g, shape).to(device));
            dy = NDArray.randn(g, shape).to(device);
            scale = (float) (1.0 / Math.sqrt(s.headDim()));
        }

        Tensor forward() {
            return Functional.attention(q, k, v, null, scale, 0f, dropout, false).output();
        }

        /** Forward, backward, and the gradient of q (reading it keeps the work from being dead code). */
        NDArray forwardBackward() {
            q.zeroGrad();
            k.zeroGrad();
            v.zeroGrad();
            forward().backward(dy);
            return q.grad();
        }

        NDArray inference() {
            try (NoGrad ignored = NoGrad.enter()) {
                return forward().value();
            }
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
        return s.inference();
    }

    @Benchmark
    public NDArray forwardBackward(Cpu s) {
        return s.forwardBackward();
    }

    @Benchmark
    public NDArray cudaForward(Cuda s) {
        return Variants.sync(s.inference());
    }

    @Benchmark
    public NDArray cudaForwardBackward(Cuda s) {
        return Variants.sync(s.forwardBackward());
    }
}
