package dev.jvit.bench.compare;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.jvit.bench.TrainStep;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The Java heap a training step needs, two ways.
 *
 * <p>The peak: the most heap in use at any one moment while training runs on in its steady state, garbage the
 * collector had not yet reclaimed included. Between collections the heap in use only grows, so its maximum is
 * reached just before a collection starts, and every collection reports that figure (its "before" usage) in a
 * notification; the peak is the largest of those, or of the heap in use after each step. It depends on how large
 * the collector lets the young generation grow, so a smaller -Xmx gives a smaller peak. The steps run on from
 * where the caller left off, for some seconds and without a System.gc() first: an earlier probe collected first
 * and then ran three steps, and so missed the garbage that a long run piles up in the old generation (mnist-small
 * without the {@link dev.jvit.core.cpu.StepArena}: 0.56-1.0 GB by that probe, 1.8 GB before each collection in
 * the GC log of a 20 s run). (A probe before that summed every pool's own peak counter; those peaks fall at
 * different moments, so the sum overstated the peak by up to the old generation's size.)
 *
 * <p>The live figure: the heap in use after a System.gc() taken with a step's forward graph alive, which is
 * what must fit.
 */
public final class HeapProbe {
    private HeapProbe() {}

    /** Seconds of steps the peak is taken over: several of G1's collections for the presets measured. */
    static final double PEAK_SECONDS = 10;

    /** {peak bytes, live bytes} over at least 3 steps and {@link #PEAK_SECONDS} of `step` (already warmed up). */
    public static long[] measure(TrainStep step) {
        return measure(step::run, step::forwardOnly, 3, PEAK_SECONDS);
    }

    /**
     * {peak bytes, live bytes}: the peak over at least minSteps calls of step taking at least minSeconds, the live
     * heap while what forward returns is still reachable.
     */
    public static long[] measure(Runnable step, Supplier<?> forward, int minSteps, double minSeconds) {
        Set<String> heapPools = heapPoolNames();
        AtomicLong peak = new AtomicLong(heapInUse());
        CountDownLatch explicitGcSeen = new CountDownLatch(1);
        NotificationListener listener = (notification, handback) ->
                recordBeforeGc(notification, heapPools, peak, explicitGcSeen);
        List<NotificationEmitter> emitters = collectors();
        emitters.forEach(e -> e.addNotificationListener(listener, null, null));
        try {
            long start = System.nanoTime();
            for (int i = 0; i < minSteps || System.nanoTime() - start < minSeconds * 1e9; i++) {
                step.run();
                peak.accumulateAndGet(heapInUse(), Math::max);
            }
            // its notification carries the usage just before it, and arrives (on the JDK's service thread) after
            // those of the steps' collections
            System.gc();
            awaitQuietly(explicitGcSeen);
        } finally {
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (ListenerNotFoundException ignored) {
                    // added above; nothing to undo if the bean dropped it
                }
            }
        }

        Object graph = forward.get();
        System.gc();
        long live = heapInUse();
        Reference.reachabilityFence(graph); // a loss: its graph, and every activation it saved, alive until measured
        return new long[] {peak.get(), live};
    }

    private static void recordBeforeGc(Notification n, Set<String> heapPools, AtomicLong peak, CountDownLatch explicitGc) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long before = 0;
        for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (heapPools.contains(e.getKey())) before += e.getValue().getUsed();
        }
        peak.accumulateAndGet(before, Math::max);
        if ("System.gc()".equals(info.getGcCause())) explicitGc.countDown();
    }

    /** Waits for the explicit collection's notification, at most a few seconds (a JVM may not send one). */
    private static void awaitQuietly(CountDownLatch explicitGcSeen) {
        try {
            explicitGcSeen.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long heapInUse() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static List<NotificationEmitter> collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(b -> b instanceof NotificationEmitter)
                .map(b -> (NotificationEmitter) b)
                .toList();
    }

    private static Set<String> heapPoolNames() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
    }
}
