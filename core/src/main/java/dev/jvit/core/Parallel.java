package dev.jvit.core;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one parallel-for of the CPU kernels. Work is split into contiguous index ranges of at least
 * {@code grain} items; below that, or with one thread, it runs inline so small ops pay nothing.
 * The thread count comes from {@code -Djvit.threads=N} or {@link #setThreads}, default all cores.
 *
 * <p>The calling thread takes the first range itself and a pool of {@code threads - 1} workers the rest: an op
 * of a small model lasts tens of microseconds, about what waking a parked worker costs, so the caller should
 * not sleep through it. The ranges do not depend on who runs them, so results do not either. Calls made while
 * running a range (nested parallelism) run inline.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool;
    private static volatile int threads = initialThreads();
    /** Whether this (non-pool) thread is running a range of a forRange: nested calls then run inline. */
    private static final ThreadLocal<Boolean> IN_RANGE = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices [from, to). */
        void run(int from, int to);
    }

    private static int initialThreads() {
        String p = System.getProperty("jvit.threads");
        if (p != null && !p.isBlank()) {
            int t = Integer.parseInt(p.trim());
            if (t < 1) throw new IllegalArgumentException("jvit.threads must be >= 1, got " + t);
            return t;
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static int threads() {
        return threads;
    }

    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n != threads) {
            threads = n;
            ForkJoinPool old = pool;
            pool = null;
            if (old != null) old.shutdown();
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(Math.max(1, threads - 1), pool -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        t.setDaemon(true);
                        t.setName("jvit-worker-" + t.getPoolIndex());
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /** Runs body over [0, n) split into at most {@link #threads()} chunks of at least {@code grain} items. */
    public static void forRange(int n, int grain, RangeBody body) {
        int t = threads;
        int chunks = (int) Math.min(t, Math.max(1, n / (long) Math.max(grain, 1)));
        if (chunks <= 1 || IN_RANGE.get() || pool != null && java.util.concurrent.ForkJoinTask.getPool() == pool) {
            // inline when small, and inside a range (nested parallelism would only oversubscribe)
            if (n > 0) body.run(0, n);
            return;
        }
        java.util.concurrent.ForkJoinTask<Void> rest = pool().submit(new Chunk(body, n, chunks, 1, chunks));
        IN_RANGE.set(true);
        try {
            body.run(0, (int) ((long) n / chunks));
        } finally {
            IN_RANGE.set(false);
            rest.join(); // also when the caller's range threw: no worker may still be writing afterwards
        }
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int n, chunks, lo, hi;

        Chunk(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks);
                int to = (int) ((long) n * (lo + 1) / chunks);
                body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunk(body, n, chunks, lo, mid), new Chunk(body, n, chunks, mid, hi));
        }
    }
}
