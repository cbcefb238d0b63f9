package dev.jvit.bench;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
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
 * What the autograd machinery costs when the arithmetic is nearly free: a chain of {@code length} adds on
 * tiny (size) tensors, y = ((x + w) + w) + ..., each add a graph node with two parents, then the sum and a
 * backward through all of them. Three views of the same chain:
 * <ul>
 *   <li>{@code chainBackward}: record the graph and back-propagate (what training pays per op);</li>
 *   <li>{@code chainNoGrad}: the same tensor ops inside NoGrad (op dispatch, no graph);</li>
 *   <li>{@code chainArrays}: the same adds on NDArrays (the kernels alone).</li>
 * </ul>
 * chainBackward minus chainArrays, divided by the length, is the per-op overhead of recording and running a
 * node. The small models of the project (mnist-tiny) spend much of their step here, as PyTorch does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AutogradBenchmark {

    @State(Scope.Benchmark)
    public static class Chain {
        @Param({"100"})
        public int length;
        @Param({"8"})
        public int size;
        Tensor x, w;

        @Setup
        public void setup() {
            Generator g = new Generator(23);
            x = Tensor.param(NDArray.randn(g, size));
            w = Tensor.param(NDArray.randn(g, size));
        }

        Tensor chain() {
            Tensor y = x;
            for (int i = 0; i < length; i++) y = y.add(w);
            return y.sum();
        }
    }

    @Benchmark
    public NDArray chainBackward(Chain s) {
        s.x.zeroGrad();
        s.w.zeroGrad();
        s.chain().backward();
        return s.w.grad();
    }

    @Benchmark
    public Tensor chainNoGrad(Chain s) {
        try (NoGrad ignored = NoGrad.enter()) {
            return s.chain();
        }
    }

    @Benchmark
    public NDArray chainArrays(Chain s) {
        NDArray y = s.x.value(), w = s.w.value();
        for (int i = 0; i < s.length; i++) y = y.add(w);
        return y.sum();
    }
}
