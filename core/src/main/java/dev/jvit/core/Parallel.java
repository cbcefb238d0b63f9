package dev.jvit.core;

/**
 * The one parallel-for of the CPU kernels. Work is split into contiguous index ranges of at least
 * {@code grain} items; below that, or with one thread, it runs inline so small ops pay nothing.
 * The thread count comes from {@code -Djvit.threads=N} or {@link #setThreads}, default all cores.
 *
 * <p>The calling thread takes a share of the chunks itself and {@code threads - 1} {@link SpinningWorkers}
 * the rest: an op of a small model lasts tens of microseconds, so neither the caller nor the workers may sleep
 * between ops. Chunk {@code c} always covers the same range, whoever runs it, so results do not depend on
 * scheduling. Calls made while running a range (nested parallelism) run inline, and so does a call that
 * finds the workers busy with another thread's call (chunk by chunk, the same ranges).
 */
public final class Parallel {
    private static volatile SpinningWorkers workers;
    private static volatile int threads = initialThreads();
    /** Whether this thread is running a range of a forRange (or is a worker): nested calls then run inline. */
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
            SpinningWorkers old = workers;
            workers = null;
            if (old != null) old.shutdown();
        }
    }

    private static SpinningWorkers workers() {
        SpinningWorkers w = workers;
        if (w == null) {
            synchronized (Parallel.class) {
                w = workers;
                if (w == null) workers = w = new SpinningWorkers(Math.max(1, threads - 1));
            }
        }
        return w;
    }

    /** Runs body over [0, n) split into at most {@link #threads()} chunks of at least {@code grain} items. */
    public static void forRange(int n, int grain, RangeBody body) {
        int t = threads;
        int chunks = (int) Math.min(t, Math.max(1, n / (long) Math.max(grain, 1)));
        if (chunks <= 1 || IN_RANGE.get()) {
            // inline when small, and inside a range (nested parallelism would only oversubscribe)
            if (n > 0) body.run(0, n);
            return;
        }
        IN_RANGE.set(true);
        try {
            if (!workers().tryRun(body, n, chunks)) {
                for (int c = 0; c < chunks; c++) body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
            }
        } finally {
            IN_RANGE.set(false);
        }
    }

    /** First index of chunk c of n items split into chunks (chunk c is [chunkStart(c), chunkStart(c + 1))). */
    static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    /**
     * Work an idle worker may do between jobs (the CPU backend's {@code FreshArrays}), in small steps (one array
     * of at most 3 MB there, about 0.2 ms). A job that arrives meanwhile does not wait for it: the caller runs the
     * chunks no worker has claimed, so a busy worker only means less help with that one job.
     */
    public interface IdleWork {
        /** Does one small piece of work and returns whether there was any. */
        boolean runOnce();

        /** The workers have had no job for a second: let go of what was prepared. */
        void release();
    }

    private static volatile IdleWork idleWork;

    /** Sets the work idle workers do while they spin (null: none) and returns the work set before. */
    public static IdleWork setIdleWork(IdleWork work) {
        IdleWork before = idleWork;
        idleWork = work;
        return before;
    }

    static IdleWork idleWork() {
        return idleWork;
    }

    /** Called once by each worker thread: everything it runs is inside a range. */
    static void markWorker() {
        IN_RANGE.set(true);
    }
}
