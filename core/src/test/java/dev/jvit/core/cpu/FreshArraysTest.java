package dev.jvit.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvit.core.Parallel;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Arrays made ahead by idle workers: what is made, that each is zeroed and handed out once, the budget, the hook. */
class FreshArraysTest {
    private static final int A = FreshArrays.MIN_FLOATS, B = 3 * FreshArrays.MIN_FLOATS + 5;

    private static void refillAll(FreshArrays f) {
        for (int i = 0; i < 1000 && f.runOnce(); i++) {
            // one array per call
        }
        assertFalse(f.runOnce(), "nothing left to make");
    }

    private static boolean allZero(float[] a) {
        for (float v : a) if (v != 0f) return false;
        return true;
    }

    /** Asks for the sizes of pattern, in order, times times over. */
    private static void ask(FreshArrays f, int[] pattern, int times) {
        for (int t = 0; t < times; t++) for (int n : pattern) f.take(n);
    }

    @Test
    void makesTheNextRequestsOfARepeatingPatternAndHandsEachOutOnce() {
        FreshArrays f = new FreshArrays(64L << 20);
        assertFalse(f.runOnce(), "no requests yet, nothing to predict");
        assertEquals(10, f.take(10).length);
        assertFalse(f.runOnce(), "small arrays are not made ahead");
        int c = A + 1;
        int[] step = {A, B, A, c}; // one training step's large requests, repeated
        ask(f, step, 20);
        refillAll(f);
        // the longest period found is a multiple of the step's (a step of a ViT repeats within itself, block after
        // block), so the next AHEAD = 8 requests, two steps' worth, are made
        assertEquals(2 * 4L * (2 * A + B + c), f.readyBytes(), "the next eight requests");
        Set<float[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int round = 0; round < 3; round++) {
            for (int n : step) {
                long before = f.readyBytes();
                float[] a = f.take(n);
                assertEquals(n, a.length);
                assertEquals(before - 4L * n, f.readyBytes(), "came from the reserve");
                assertTrue(allZero(a));
                assertTrue(seen.add(a), "an array was handed out twice");
                a[n - 1] = 1f;
                refillAll(f); // the prediction moves on by one request, and the array taken is made again
            }
        }
        f.release();
        assertEquals(0, f.readyBytes());
    }

    @Test
    void staysWithinTheBudgetDropsMispredictionsAndGuessesNothingWithoutAPattern() {
        int[] step = {A, B, A, B, B};
        FreshArrays small = new FreshArrays(4L * (A + B)); // room for two of the five
        ask(small, step, 20);
        refillAll(small);
        assertTrue(small.readyBytes() > 0 && small.readyBytes() <= 4L * (A + B), "bytes ready: " + small.readyBytes());

        FreshArrays f = new FreshArrays(64L << 20);
        ask(f, step, 20);
        refillAll(f);
        assertEquals(4L * (4 * A + 4 * B), f.readyBytes(), "the next eight: A B A B B A B A");
        int c = A + 1;
        ask(f, new int[] {c}, 60); // the model changed: only size c from now on
        refillAll(f);
        long r = f.readyBytes();
        assertTrue(r > 0 && r % (4L * c) == 0 && r <= 4L * c * FreshArrays.AHEAD, "only arrays of size c: " + r);

        FreshArrays none = new FreshArrays(64L << 20);
        for (int i = 0; i < 200; i++) none.take(A + i); // no two requests alike
        assertFalse(none.runOnce(), "no repeating pattern: nothing is made");
        assertEquals(0, none.readyBytes());

        FreshArrays big = new FreshArrays(64L << 20);
        ask(big, new int[] {FreshArrays.MAX_FLOATS + 1}, 60);
        assertFalse(big.runOnce(), "arrays above MAX_FLOATS are not made ahead");

        FreshArrays off = new FreshArrays(0);
        ask(off, step, 20);
        assertFalse(off.runOnce(), "budget 0: nothing is made ahead");
    }

    @Test
    void concurrentTakersNeverShareAnArray() throws InterruptedException {
        FreshArrays f = new FreshArrays(64L << 20);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread maker = new Thread(() -> {
            while (!stop.get()) f.runOnce();
        });
        maker.start();
        Runnable taker = () -> {
            try {
                for (int i = 0; i < 3000; i++) {
                    float[] a = f.take(i % 2 == 0 ? A : B);
                    if (!allZero(a)) throw new AssertionError("a handed-out array was not zero: handed out twice");
                    a[0] = 1f; // a second holder would see this
                    a[a.length - 1] = 1f;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        Thread t1 = new Thread(taker), t2 = new Thread(taker);
        t1.start();
        t2.start();
        t1.join();
        t2.join();
        stop.set(true);
        maker.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertTrue(f.readyBytes() >= 0 && f.readyBytes() <= 64L << 20, "bytes ready: " + f.readyBytes());
        f.release();
        assertEquals(0, f.readyBytes(), "the byte count matches the arrays held");
    }

    @Test
    void spinningWorkersRunTheIdleWorkAndReleaseItAfterASecondWithoutJobs() throws InterruptedException {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "workers only spin with a core to spare");
        int threadsBefore = Parallel.threads();
        AtomicInteger runs = new AtomicInteger(), releases = new AtomicInteger();
        Parallel.IdleWork before = Parallel.setIdleWork(new Parallel.IdleWork() {
            @Override
            public boolean runOnce() {
                return runs.incrementAndGet() == 1; // prepared something once: there is something to release
            }

            @Override
            public void release() {
                releases.incrementAndGet();
            }
        });
        try {
            Parallel.setThreads(2);
            // a worker spins for 2 ms after each job, then parks, and releases after a second parked without one;
            // a loaded machine may deschedule it through the spin, so try a few jobs
            for (int attempt = 0; attempt < 100 && runs.get() == 0; attempt++) {
                Parallel.forRange(2, 1, (from, to) -> { });
                Thread.sleep(20);
            }
            int releasedBefore = releases.get();
            for (int gap = 0; gap < 5; gap++) { // pauses longer than the spin, far shorter than a second
                Parallel.forRange(2, 1, (from, to) -> { });
                Thread.sleep(20);
            }
            int releasesSoon = releases.get() - releasedBefore;
            for (int waited = 0; waited < 100 && releases.get() == 0; waited++) Thread.sleep(50);
            assertTrue(runs.get() > 0, "the idle work never ran");
            assertTrue(releases.get() > 0, "the idle work was not released after a second without a job");
            assertEquals(0, releasesSoon, "released within pauses of 20 ms");
        } finally {
            Parallel.setIdleWork(before);
            Parallel.setThreads(threadsBefore);
        }
    }
}
