package dev.jvit.core;

/**
 * The one parallel-for of the CPU kernels. Work is split into contiguous index ranges of at least
 * {@code grain} items, a few per thread when there is enough of it; below that, or with one thread, it runs
 * inline so small ops pay nothing.
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

    /**
     * Chunks per thread when there is work enough for several each. Chunks are claimed one at a time, so a
     * thread that starts late (a worker finishing a piece of idle work, or a vCPU the host lent elsewhere for a
     * moment) costs the others a chunk of waiting, not its whole share; with one chunk per thread the caller
     * spent 13% of a mnist-tiny step waiting in {@code tryRun} (JFR, 2 threads). Alternating every second in
     * one JVM against one chunk per thread: mnist-tiny +5.6% and +6.3% (faster in 14 and 16 of 20 pairs),
     * mnist-small +4% (8 of 12); 2 and 8 chunks per thread gained under 1%.
     */
    static final int CHUNKS_PER_THREAD = 4;

    /**
     * Runs body over [0, n) split into chunks of at least {@code grain} items ({@link #chunkCount}): at most
     * {@link #threads()} of them, or {@value #CHUNKS_PER_THREAD} per thread when there is work for that many.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int t = threads;
        int chunks = chunkCount(n, grain, t);
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

    /**
     * How many chunks forRange cuts n items into with t threads: one per thread while there are fewer than two
     * grains per thread (more would leave one thread two chunks to the others' one), else a whole number per
     * thread, up to {@link #CHUNKS_PER_THREAD}, so the threads can share them out evenly.
     */
    static int chunkCount(int n, int grain, int t) {
        long pieces = Math.max(1, n / (long) Math.max(grain, 1));
        if (t <= 1 || pieces < 2L * t) return (int) Math.min(t, pieces);
        return t * (int) Math.min(CHUNKS_PER_THREAD, pieces / t);
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
