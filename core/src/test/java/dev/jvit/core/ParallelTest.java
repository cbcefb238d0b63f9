package dev.jvit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final int THREADS_BEFORE = Parallel.threads();

    @BeforeEach
    void fourThreads() {
        Parallel.setThreads(4);
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(THREADS_BEFORE);
    }

    @Test
    void everyIndexRunsExactlyOnceInFixedChunks() {
        for (int n : new int[] {2, 7, 1000, 100_003}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
            Parallel.forRange(n, 1, (from, to) -> {
                ranges.add(new int[] {from, to});
                for (int i = from; i < to; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n);
            int chunks = Parallel.chunkCount(n, 1, 4);
            assertEquals(chunks, ranges.size(), "one call per chunk for n = " + n);
            ranges.sort(java.util.Comparator.comparingInt(r -> r[0]));
            for (int c = 0; c < chunks; c++) {
                assertArrayEquals(new int[] {Parallel.chunkStart(n, chunks, c), Parallel.chunkStart(n, chunks, c + 1)},
                        ranges.get(c), "chunk " + c + " of n = " + n);
            }
        }
    }

    /** One chunk per thread for little work, a few per thread (claimed one at a time) for more, never below grain. */
    @Test
    void chunkCountsGrowWithTheWork() {
        assertEquals(2, Parallel.chunkCount(2, 1, 4));
        assertEquals(4, Parallel.chunkCount(7, 1, 4), "under two grains a thread: one chunk each");
        assertEquals(8, Parallel.chunkCount(9, 1, 4), "two grains a thread: two chunks each");
        assertEquals(16, Parallel.chunkCount(1000, 1, 4));
        assertEquals(3, Parallel.chunkCount(100, 30, 4), "no chunk under its grain");
        assertEquals(1, Parallel.chunkCount(1000, 1, 1), "one thread runs inline");
        assertEquals(8, Parallel.chunkCount(6400, 100, 2));
    }

    @Test
    void usesWorkerThreadsAndRunsNestedCallsInline() {
        List<String> names = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger nestedChunks = new AtomicInteger();
        Parallel.forRange(4, 1, (from, to) -> {
            names.add(Thread.currentThread().getName());
            long end = System.nanoTime() + 20_000_000L; // long enough for the workers to take their chunks
            while (System.nanoTime() < end) Thread.onSpinWait();
            Parallel.forRange(1000, 1, (f, t) -> nestedChunks.incrementAndGet());
        });
        assertEquals(4, names.size());
        assertTrue(names.stream().anyMatch(s -> s.startsWith("jvit-worker-")), "no chunk ran on a worker: " + names);
        assertEquals(4, nestedChunks.get(), "a nested call is one inline range per outer chunk");
    }

    @Test
    void anExceptionInAnyChunkReachesTheCallerAfterAllChunksFinish() {
        for (int failing = 0; failing < 4; failing++) {
            int bad = failing;
            AtomicInteger finished = new AtomicInteger();
            IllegalStateException boom = new IllegalStateException("chunk " + bad);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRange(4, 1, (from, to) -> {
                if (from == bad) throw boom;
                finished.incrementAndGet();
            }));
            assertSame(boom, thrown);
            assertEquals(3, finished.get(), "the other chunks still ran to the end");
        }
        // the workers survive a failure
        AtomicInteger sum = new AtomicInteger();
        Parallel.forRange(100, 1, (from, to) -> sum.addAndGet(to - from));
        assertEquals(100, sum.get());
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws Exception {
        int callers = 6, n = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                results.add(pool.submit(() -> {
                    start.await();
                    long[] out = new long[n];
                    for (int rep = 0; rep < 200; rep++) {
                        Parallel.forRange(n, 1, (from, to) -> {
                            for (int i = from; i < to; i++) out[i] += i;
                        });
                    }
                    return out;
                }));
            }
            start.countDown();
            for (Future<long[]> f : results) {
                long[] out = f.get();
                for (int i = 0; i < n; i++) assertEquals(200L * i, out[i], "index " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void changingTheThreadCountReplacesTheWorkers() {
        for (int t : new int[] {1, 3, 2}) {
            Parallel.setThreads(t);
            List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
            Parallel.forRange(90, 1, (from, to) -> ranges.add(new int[] {from, to}));
            assertEquals(Parallel.chunkCount(90, 1, t), ranges.size(), "chunks with " + t + " threads");
            assertEquals(t == 1 ? 1 : 4 * t, ranges.size(), "chunks with " + t + " threads");
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
