package dev.jvit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JMH benchmarks' setup and benchmark methods called directly, at tiny batches: each training-step
 * benchmark builds its model and runs a step, and the kernel benchmarks run once, so a broken benchmark
 * fails here rather than half-way through a long JMH run.
 */
class TrainStepBenchmarkTest {
    private Backend cpu;
    private int threads;

    @BeforeEach
    void remember() {
        cpu = Backends.cpu();
        threads = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Backends.setCpu(cpu);
        Parallel.setThreads(threads);
    }

    @Test
    void everyPresetBuildsAndTrainsOneStep() {
        TrainStepBenchmark bench = new TrainStepBenchmark();
        for (String model : new String[] {"mnist-tiny", "mnist-small", "cifar-demo", "vit-ti16", "hybrid-mnist"}) {
            TrainStepBenchmark.Cpu s = new TrainStepBenchmark.Cpu();
            s.model = model;
            s.batch = model.equals("vit-ti16") ? 1 : 2;
            s.kernels = "simd";
            s.threads = 1;
            s.setup();
            TrainStepBenchmark.Images n = new TrainStepBenchmark.Images();
            n.reset();
            float first = bench.step(s, n), second = bench.step(s, n);
            assertTrue(Float.isFinite(first) && first > 0 && Float.isFinite(second), model + ": loss " + first + ", " + second);
            assertEquals(2L * s.batch, n.images, model);
        }
    }

    @Test
    void scalarKernelsTrainToo() {
        TrainStepBenchmark.Cpu s = new TrainStepBenchmark.Cpu();
        s.model = "mnist-tiny";
        s.batch = 2;
        s.kernels = "scalar";
        s.threads = 1;
        s.setup();
        assertTrue(Backends.cpu().name().contains("scalar"), Backends.cpu().name());
        assertTrue(Float.isFinite(new TrainStepBenchmark().step(s, new TrainStepBenchmark.Images())));
    }

    @Test
    void defaultBatchIsSmallForImageNetModels() {
        assertEquals(8, TrainStep.defaultBatch("vit-ti16"));
        assertEquals(128, TrainStep.defaultBatch("mnist-small"));
    }

    @Test
    void kernelBenchmarksRunOnce() {
        BatchedMatmulBenchmark.Cpu mm = new BatchedMatmulBenchmark.Cpu();
        mm.model = "cifar-demo";
        mm.kernels = "simd";
        mm.threads = 1;
        mm.setup();
        AttentionShape a = AttentionShape.of("cifar-demo");
        assertShape(new BatchedMatmulBenchmark().scores(mm), a.batch(), a.heads(), a.tokens(), a.tokens());
        assertShape(new BatchedMatmulBenchmark().context(mm), a.batch(), a.heads(), a.tokens(), a.headDim());

        SoftmaxBenchmark.Cpu sm = new SoftmaxBenchmark.Cpu();
        sm.model = "mnist-small";
        sm.kernels = "simd";
        sm.threads = 1;
        sm.setup();
        NDArray y = new SoftmaxBenchmark().forward(sm);
        assertEquals(1f, y.sum(3).get(0, 0, 0), 1e-5f); // rows of a softmax sum to one
        new SoftmaxBenchmark().backward(sm);

        LayerNormBenchmark.Cpu ln = new LayerNormBenchmark.Cpu();
        ln.model = "mnist-small";
        ln.kernels = "scalar";
        ln.threads = 1;
        ln.setup();
        new LayerNormBenchmark().forward(ln);
        new LayerNormBenchmark().backward(ln);

        GeluBenchmark.Cpu g = new GeluBenchmark.Cpu();
        g.model = "mnist-small";
        g.approximation = "tanh";
        g.kernels = "simd";
        g.threads = 1;
        g.setup();
        new GeluBenchmark().forward(g);
        new GeluBenchmark().backward(g);

        AttentionBenchmark.Cpu at = new AttentionBenchmark.Cpu();
        at.model = "cifar-demo";
        at.kernels = "simd";
        at.threads = 1;
        at.setup();
        assertShape(new AttentionBenchmark().forward(at), a.batch(), a.heads(), a.tokens(), a.headDim());
        assertShape(new AttentionBenchmark().forwardBackward(at), a.batch(), a.heads(), a.tokens(), a.headDim());
    }

    @Test
    void autogradChainBackpropagatesThroughEveryAdd() {
        AutogradBenchmark.Chain c = new AutogradBenchmark.Chain();
        c.length = 100;
        c.size = 8;
        c.setup();
        AutogradBenchmark b = new AutogradBenchmark();
        NDArray grad = b.chainBackward(c);
        // d/dw of sum(x + 100 w) is 100 per element; a second run must not accumulate onto the first
        grad = b.chainBackward(c);
        for (float v : grad.toFloatArray()) assertEquals(100f, v);
        float viaArrays = b.chainArrays(c).item(), viaTensors = b.chainNoGrad(c).item();
        assertEquals(viaArrays, viaTensors, 1e-3f);
    }

    private static void assertShape(NDArray x, int... shape) {
        assertEquals(java.util.Arrays.toString(shape), java.util.Arrays.toString(x.shape()));
    }
}
