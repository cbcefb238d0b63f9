package dev.jvit.bench;

import dev.jvit.core.Device;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full training step (forward, cross-entropy, backward, AdamW) of each model preset on a random batch,
 * as {@link TrainStep} defines it. The score is steps per second; the secondary result {@code images} is
 * images per second, the figure {@code bench compare} sets beside PyTorch's.
 *
 * <p>{@code batch} 0 means the preset's usual benchmark batch (128; 8 for vit-ti16). Only the SIMD kernels
 * by default: a scalar step of vit-ti16 takes tens of seconds; add them with {@code -p kernels=simd,scalar}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainStepBenchmark {

    @State(Scope.Benchmark)
    public abstract static class Step {
        @Param({"mnist-tiny", "mnist-small", "cifar-demo", "vit-ti16", "hybrid-mnist", "swin-mnist", "swin-t", "deit-mnist", "hybrid-vit-mnist", "conv-attn-mnist", "mixer-mnist"})
        public String model;
        @Param({"0"})
        public int batch;
        TrainStep step;

        void init(Device device) {
            step = new TrainStep(model, batch > 0 ? batch : TrainStep.defaultBatch(model), device, 42);
        }
    }

    @State(Scope.Benchmark)
    public static class Cpu extends Step {
        @Param({"simd"})
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
    public static class Cuda extends Step {
        @Setup
        public void setup() {
            init(Variants.cuda());
        }
    }

    /** Counts images so JMH reports them per second beside the steps. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Images {
        public long images;

        @Setup(Level.Iteration)
        public void reset() {
            images = 0;
        }
    }

    @Benchmark
    public float step(Cpu s, Images n) {
        n.images += s.step.batch();
        return s.step.run();
    }

    @Benchmark
    public float cudaStep(Cuda s, Images n) {
        n.images += s.step.batch();
        return s.step.run();
    }
}
