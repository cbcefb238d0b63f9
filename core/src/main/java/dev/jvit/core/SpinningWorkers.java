package dev.jvit.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads behind {@link Parallel#forRange}: a fixed set that spins for a short while after each job
 * before parking, so the next job reaches them in well under a microsecond.
 *
 * <p>Why not a {@link java.util.concurrent.ForkJoinPool}: its idle workers park at once, and waking a parked
 * thread on the 2-vCPU build VM took 55 to 115 us per fork-join (measured: {@code forRange} over two chunks of
 * no work, 20,000 calls). A small model's ops last tens of microseconds and a training step makes thousands
 * of them, so that wake-up was paid thousands of times a step. Workers here spin with
 * {@link Thread#onSpinWait()} for {@link #SPIN_NANOS} after their last job, longer than the gaps between the
 * ops of a step, and park only when work stops for longer, so an idle program costs nothing. The same
 * fork-join over two chunks of no work then took 0.1 to 3 us, and a mnist-small training step (batch 128,
 * 2 threads, 15 runs each way alternating) went from a median of 426 to 574 images/s. With more threads than
 * cores they do not spin: a spinning worker would hold a core that a thread with work needs. While they spin
 * they do the {@link Parallel.IdleWork} set, one small piece per turn (the CPU backend makes the large arrays the
 * next ops will ask for), and let it go once parked for {@link #RELEASE_AFTER_NANOS} without a job.
 *
 * <p>One job at a time: {@link #tryRun} returns false while another thread's job runs, and the caller then
 * runs the chunks itself. A chunk covers the same index range whoever runs it, so results never depend on
 * scheduling.
 */
final class SpinningWorkers {
    /** How long an idle worker spins before parking: longer than the gaps between the ops of a training step. */
    static final long SPIN_NANOS = 2_000_000L;
    /**
     * How long a parked worker waits for a job before it lets go of what its idle work prepared: longer than a
     * collection pause, after which mnist-small's step lost the arrays made ahead for it (12 of 156 a step).
     */
    static final long RELEASE_AFTER_NANOS = 1_000_000_000L;

    /** One forRange call: chunks are claimed by index from {@code next}; {@code unfinished} counts down to 0. */
    private static final class Job {
        final Parallel.RangeBody body;
        final int n, chunks;
        final AtomicInteger next = new AtomicInteger(), unfinished;
        volatile Throwable error;

        Job(Parallel.RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.unfinished = new AtomicInteger(chunks);
        }

        /** Runs chunks until none is left to claim; an error is kept for the caller and stops nobody. */
        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.run(Parallel.chunkStart(n, chunks, c), Parallel.chunkStart(n, chunks, c + 1));
                } catch (Throwable t) {
                    if (error == null) error = t;
                } finally {
                    unfinished.decrementAndGet();
                }
            }
        }
    }

    private final Worker[] workers;
    /**
     * SPIN_NANOS, or 0 when there are more threads than cores: a spinning worker would then hold a core that the
     * caller or a busy worker needs.
     */
    private final long spinNanos;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean shutdown;

    SpinningWorkers(int count) {
        workers = new Worker[count];
        spinNanos = count + 1 <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0;
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker("jvit-worker-" + i);
            workers[i].start();
        }
    }

    /**
     * Runs body over [0, n) in the given number of chunks, the calling thread taking its share, and returns
     * true; returns false at once, having run nothing, when another thread's job holds the workers.
     */
    boolean tryRun(Parallel.RangeBody body, int n, int chunks) {
        if (!busy.compareAndSet(false, true)) return false;
        Job j = new Job(body, n, chunks);
        try {
            job = j; // a worker that read 'parked' before this write is woken below; one after it sees the job
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            j.work();
            for (int spins = 0; j.unfinished.get() > 0; spins++) {
                if (spins < 10_000 && spinNanos > 0) Thread.onSpinWait(); else Thread.yield(); // a worker may be descheduled
            }
        } finally {
            job = null; // do not keep the body's arrays reachable
            busy.set(false);
        }
        Throwable t = j.error;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException("parallel range failed", t);
        return true;
    }

    void shutdown() {
        shutdown = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            Parallel.markWorker();
            Job seen = null;
            long idleSince = System.nanoTime();
            boolean released = true; // whether idle work has prepared nothing since it was last released
            while (!shutdown) {
                Job j = job;
                if (j != null && j != seen) {
                    seen = j;
                    parked = false;
                    j.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < spinNanos) {
                    Parallel.IdleWork w = Parallel.idleWork();
                    if (w != null && w.runOnce()) released = false; // something prepared, to let go of some day
                    else Thread.onSpinWait();
                } else {
                    parked = true;
                    // re-read after announcing: a job published before 'parked' was visible is not slept through
                    Job again = job;
                    if (again == null || again == seen) {
                        if (released) {
                            LockSupport.park(this);
                        } else {
                            // a pause of a few ms (a GC, a serial stretch) keeps what idle work prepared; a second
                            // without a job is an idle program, which holds nothing
                            long parkedAt = System.nanoTime();
                            LockSupport.parkNanos(this, RELEASE_AFTER_NANOS);
                            // woken early (a job, possibly finished by its caller before we looked): not idle
                            if (System.nanoTime() - parkedAt >= RELEASE_AFTER_NANOS && (job == null || job == seen)) {
                                Parallel.IdleWork w = Parallel.idleWork();
                                if (w != null) w.release();
                                released = true;
                                continue; // still parked as far as tryRun knows: back to park, no spinning
                            }
                        }
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
