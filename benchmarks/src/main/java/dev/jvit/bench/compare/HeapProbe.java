package dev.jvit.bench.compare;

import dev.jvit.autograd.Tensor;
import dev.jvit.bench.TrainStep;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;

/**
 * The Java heap a training step needs, two ways. The peak: after a System.gc(), the heap pools' peak
 * counters are reset, a few steps run, and the pools' peaks are summed (an upper bound of the heap in use at
 * any one moment, garbage the collector had not yet reclaimed included: it depends on how large the
 * collector lets the young generation grow, so a smaller -Xmx gives a smaller peak). The live figure: the
 * heap in use after a System.gc() taken with a step's forward graph alive, which is what must fit.
 */
public final class HeapProbe {
    private HeapProbe() {}

    /** {peak bytes, live bytes} over `steps` steps of `step` (already warmed up). */
    public static long[] measure(TrainStep step, int steps) {
        System.gc();
        for (MemoryPoolMXBean pool : heapPools()) pool.resetPeakUsage();
        for (int i = 0; i < steps; i++) step.run();
        long peak = 0;
        for (MemoryPoolMXBean pool : heapPools()) peak += pool.getPeakUsage().getUsed();

        Tensor loss = step.forwardOnly();
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Reference.reachabilityFence(loss); // the graph, and every activation it saved, alive until measured
        return new long[] {peak, live};
    }

    private static java.util.List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }
}
