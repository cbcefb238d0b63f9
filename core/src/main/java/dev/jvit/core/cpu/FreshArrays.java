package dev.jvit.core.cpu;

import dev.jvit.core.Parallel;
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
 * a 800 KB array takes 54 us). A step asks for the same sizes in the same order every time, so the request
 * sequence repeats (see {@link #replan}), and an idle worker makes the next {@link #AHEAD} arrays it predicts, one
 * per idle turn, within a byte budget. The budget (16 MB) and the largest size made ahead ({@link #MAX_FLOATS})
 * are small on purpose: a ready array lives through collections it would not have seen, and the first version
 * (64 MB, no size cap, arrays kept ready by how often each size was asked for) raised mnist-small's heap peak from
 * 0.81-0.91 GB to 1.41 GB. Measured on the 2-vCPU build VM, mnist-tiny at 2 threads, switched on and off every
 * second in one JVM (20 pairs): 5-7% more images/s, faster in 15 and 16 of 20 pairs in two runs; mnist-small, whose
 * steps are compute-bound, did not change beyond the noise, and allocates what it did without (364.8 MB a step:
 * no array is made ahead and thrown away).
 *
 * <p>With one thread there is no worker and nothing is made ahead; the bookkeeping is one atomic increment and
 * one map lookup per large request. When the workers have had no job for a second the ready arrays are dropped,
 * so an idle program holds none. {@code -Djvit.arrayReserveMB=0} turns it off.
 */
final class FreshArrays implements Parallel.IdleWork {
    /** Below this many floats (32 KB) an array comes from {@code new} directly: its zeroing costs next to nothing. */
    static final int MIN_FLOATS = 8192;
    /**
     * Above this many floats (3 MB) an array comes from {@code new} directly too, so that the budget holds several
     * arrays and none of a big model's largest. Without this cap mnist-small's heap peak rose from 0.81-0.91 GB to
     * 1.12-1.15 GB (its 3.3-5 MB activations, humongous objects for G1, held ready); with a 1 MB cap mnist-tiny
     * gained only 3.5% (its 2.56 MB attention probabilities then came from new); with 3 MB, 0.61 GB and 7%.
     */
    static final int MAX_FLOATS = 3 << 18;
    /** How many requests back the repeating pattern is looked for (a power of two). */
    static final int HISTORY = 1024;
    /** How many of the predicted next requests are made ahead. */
    static final int AHEAD = 8;
    /** How many of the latest requests must repeat for a period to be taken. */
    private static final int MATCH = 48;

    static final FreshArrays INSTANCE = new FreshArrays(budgetFromProperty());

    private final long budgetBytes;
    private final int[] history = new int[HISTORY];
    private final AtomicInteger requests = new AtomicInteger();
    private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<float[]>> ready = new ConcurrentHashMap<>();
    private final AtomicLong readyBytes = new AtomicLong();
    /** One worker plans, refills or releases at a time (take only polls); the fields below are its state. */
    private final AtomicBoolean refilling = new AtomicBoolean();
    private int plannedAt = -1;
    private int[] predicted = new int[0];
    private int period;
    /** Whether every predicted array is ready (nothing to do until the next request). */
    private boolean satisfied;

    FreshArrays(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * 16 MB, or a 64th of the maximum heap if that is less; {@code jvit.arrayReserveMB} sets it (0: off). Read
     * once, when the CPU backend first allocates.
     */
    private static long budgetFromProperty() {
        String p = System.getProperty("jvit.arrayReserveMB");
        if (p != null && !p.isBlank()) {
            long mb = Long.parseLong(p.trim());
            if (mb < 0) throw new IllegalArgumentException("jvit.arrayReserveMB must be >= 0, got " + mb);
            return mb << 20;
        }
        return Math.min(16L << 20, Runtime.getRuntime().maxMemory() / 64);
    }

    /** Registers the shared instance with the workers (once, when the CPU backend first allocates). */
    static void start() {
        if (INSTANCE.budgetBytes > 0) Parallel.setIdleWork(INSTANCE);
    }

    /** A zeroed float[n] that no one else holds: made ahead by a worker if one is ready, else made now. */
    float[] take(int n) {
        if (n < MIN_FLOATS || n > MAX_FLOATS || budgetBytes == 0) return new float[n];
        history[requests.getAndIncrement() & (HISTORY - 1)] = n;
        ConcurrentLinkedQueue<float[]> q = ready.get(n);
        float[] a = q == null ? null : q.poll();
        if (a == null) return new float[n];
        readyBytes.addAndGet(-bytes(n));
        return a;
    }

    /**
     * Makes at most one array of the next {@link #AHEAD} predicted requests and returns whether it made one.
     * Called by idle workers; several may call at once, and all but one return at once.
     */
    @Override
    public boolean runOnce() {
        if (!refilling.compareAndSet(false, true)) return false;
        try {
            int end = requests.get();
            if (end != plannedAt) replan(end);
            if (satisfied) return false;
            for (int i = 0; i < predicted.length; i++) {
                int n = predicted[i], k = 0; // this is the k-th request of size n among the predicted ones
                for (int j = 0; j <= i; j++) if (predicted[j] == n) k++;
                ConcurrentLinkedQueue<float[]> q = ready.computeIfAbsent(n, x -> new ConcurrentLinkedQueue<>());
                if (q.size() < k) {
                    if (readyBytes.get() + bytes(n) > budgetBytes) return evictOneNotPredicted(); // room, one a turn
                    q.add(new float[n]);
                    readyBytes.addAndGet(bytes(n));
                    return true;
                }
            }
            satisfied = true; // until the next request: spinning workers call this in a loop
            return false;
        } finally {
            refilling.set(false);
        }
    }

    /** Drops every ready array (the workers have had no job for a second). */
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

    /**
     * Predicts the next requests: a training step asks for the same sizes in the same order every time, so the
     * request sequence repeats with some period P (the requests of one step); the next ones are those made P
     * requests ago. P is the shortest shift under which the latest {@link #MATCH} requests repeat, kept while it
     * still fits; the longest such P is taken, a whole number of steps, since a step repeats within itself (block
     * after block) and a period of one block mispredicts at every block boundary. When P changes, ready arrays of
     * sizes not asked for within the last P requests are dropped.
     */
    private void replan(int end) {
        plannedAt = end;
        satisfied = false;
        if (period == 0 || !repeats(end, period)) {
            period = 0;
            for (int p = Math.min(HISTORY - MATCH, end - MATCH); p >= 1; p--) {
                if (repeats(end, p)) {
                    period = p;
                    break;
                }
            }
            dropSizesNotIn(end, period);
        }
        int count = period == 0 ? 0 : Math.min(AHEAD, period);
        predicted = new int[count];
        for (int i = 0; i < count; i++) predicted[i] = at(end - period + i);
    }

    /** Drops the ready arrays of every size not asked for in the latest span requests (the model changed). */
    private void dropSizesNotIn(int end, int span) {
        for (Integer n : ready.keySet()) {
            boolean asked = false;
            for (int i = 1; i <= span && !asked; i++) asked = at(end - i) == n;
            if (!asked) drop(n);
        }
    }

    /**
     * Drops one ready array whose size is not among the predicted requests and returns whether there was one.
     * Arrays of a mispredicted size are kept until their room is needed: the size is often asked for again
     * later in the step (a step's large requests repeat, but not every one at the period found).
     */
    private boolean evictOneNotPredicted() {
        for (var e : ready.entrySet()) {
            boolean wanted = false;
            for (int p : predicted) wanted |= p == e.getKey();
            if (wanted) continue;
            float[] a = e.getValue().poll();
            if (a != null) {
                readyBytes.addAndGet(-bytes(a.length));
                return true;
            }
        }
        return false;
    }

    /** Whether the latest MATCH requests equal those p requests before them. */
    private boolean repeats(int end, int p) {
        if (end < p + MATCH) return false;
        for (int m = 1; m <= MATCH; m++) if (at(end - m) != at(end - m - p)) return false;
        return true;
    }

    private int at(int request) {
        return history[request & (HISTORY - 1)];
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
