package dev.jvit.core.cpu;

import dev.jvit.core.Parallel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large float arrays made ahead of time by idle worker threads, so that the thread that asks for one does not
 * wait while the JVM zeroes it. Every array is new: none is handed out twice and none is recycled, so nothing
 * an op returns can alias anything else; the only change is which thread pays for {@code new float[n]}.
 *
 * <p>Why: a training step of a small model allocates its outputs on the calling thread, between parallel
 * regions, while the workers spin with nothing to do. mnist-tiny at batch 128 asks for 22 MB a step, and zeroing
 * it was about 1.5 ms of a 8 ms step (JFR: 28% of the time outside parallel regions in {@code CpuBackend.empty};
 * a 800 KB array takes 54 us). The requests repeat from step to step, so the sizes of the latest
 * {@link #WINDOW} requests predict the next ones: an idle worker keeps as many arrays of each size ready as
 * appeared in that window, one array per idle turn, within a byte budget. Measured on the 2-vCPU build VM,
 * mnist-tiny at 2 threads, switched on and off every second in one JVM (20 pairs): 10-12% more images/s, faster
 * in 14 and 17 of 20 pairs in two runs; mnist-small, whose steps are compute-bound, did not change beyond the
 * noise.
 *
 * <p>With one thread there is no worker and nothing is made ahead; the bookkeeping is one atomic increment and
 * one map lookup per large request. When the workers park (no job for 2 ms) the ready arrays are dropped, so an
 * idle program holds none. {@code -Djvit.arrayReserveMB=0} turns it off.
 */
final class FreshArrays implements Parallel.IdleWork {
    /** Below this many floats (32 KB) an array comes from {@code new} directly: its zeroing costs next to nothing. */
    static final int MIN_FLOATS = 8192;
    /** How many of the latest requests predict the next ones (a power of two). */
    static final int WINDOW = 64;

    static final FreshArrays INSTANCE = new FreshArrays(budgetFromProperty());

    private final long budgetBytes;
    private final int[] history = new int[WINDOW];
    private final AtomicInteger requests = new AtomicInteger();
    private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<float[]>> ready = new ConcurrentHashMap<>();
    private final AtomicLong readyBytes = new AtomicLong();
    /** One worker plans, refills or releases at a time (take only polls); the plan below is its state. */
    private final AtomicBoolean refilling = new AtomicBoolean();
    private int plannedAt = -1;
    private final Map<Integer, Integer> plan = new HashMap<>();

    FreshArrays(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * 64 MB, or a 32nd of the maximum heap if that is less; {@code jvit.arrayReserveMB} sets it (0: off). Read
     * once, when the CPU backend first allocates.
     */
    private static long budgetFromProperty() {
        String p = System.getProperty("jvit.arrayReserveMB");
        if (p != null && !p.isBlank()) {
            long mb = Long.parseLong(p.trim());
            if (mb < 0) throw new IllegalArgumentException("jvit.arrayReserveMB must be >= 0, got " + mb);
            return mb << 20;
        }
        return Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 32);
    }

    /** Registers the shared instance with the workers (once, when the CPU backend first allocates). */
    static void start() {
        if (INSTANCE.budgetBytes > 0) Parallel.setIdleWork(INSTANCE);
    }

    /** A zeroed float[n] that no one else holds: made ahead by a worker if one is ready, else made now. */
    float[] take(int n) {
        if (n < MIN_FLOATS || budgetBytes == 0) return new float[n];
        history[requests.getAndIncrement() & (WINDOW - 1)] = n;
        ConcurrentLinkedQueue<float[]> q = ready.get(n);
        float[] a = q == null ? null : q.poll();
        if (a == null) return new float[n];
        readyBytes.addAndGet(-bytes(n));
        return a;
    }

    /**
     * Makes at most one array that the latest requests say will be wanted and returns whether it made one. Called
     * by idle workers; several may call at once, and all but one return at once.
     */
    @Override
    public boolean runOnce() {
        if (!refilling.compareAndSet(false, true)) return false;
        try {
            int end = requests.get();
            if (end == 0) return false;
            if (end != plannedAt) replan(end);
            for (Map.Entry<Integer, Integer> e : plan.entrySet()) {
                int n = e.getKey();
                if (readyBytes.get() + bytes(n) > budgetBytes) continue;
                ConcurrentLinkedQueue<float[]> q = ready.computeIfAbsent(n, k -> new ConcurrentLinkedQueue<>());
                if (q.size() < e.getValue()) {
                    q.add(new float[n]);
                    readyBytes.addAndGet(bytes(n));
                    return true;
                }
            }
            return false;
        } finally {
            refilling.set(false);
        }
    }

    /** Drops every ready array (the workers are going to sleep). */
    @Override
    public void release() {
        if (!refilling.compareAndSet(false, true)) return; // a worker still refilling releases when it parks
        try {
            for (Integer n : ready.keySet()) drop(n);
        } finally {
            refilling.set(false);
        }
    }

    /** How many bytes of arrays are ready now. */
    long readyBytes() {
        return readyBytes.get();
    }

    /** Counts the sizes of the latest requests, and drops ready arrays of sizes no longer asked for. */
    private void replan(int end) {
        plan.clear();
        for (int i = Math.max(0, end - WINDOW); i < end; i++) plan.merge(history[i & (WINDOW - 1)], 1, Integer::sum);
        for (Integer n : ready.keySet()) if (!plan.containsKey(n)) drop(n);
        plannedAt = end;
    }

    private void drop(int n) {
        ConcurrentLinkedQueue<float[]> q = ready.remove(n);
        if (q == null) return;
        // whoever polls an array subtracts its bytes: a concurrent take that still holds q does so for its own
        for (float[] a; (a = q.poll()) != null; ) readyBytes.addAndGet(-bytes(a.length));
    }

    private static long bytes(int n) {
        return 4L * n;
    }
}
