package dev.jvit.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The step arena: what it lends and takes back, the error for an array used after its cycle, and its limits. */
class StepArenaTest {
    private static final int N = 3 * StepArena.MIN_FLOATS + 7;

    private static float[] backing(NDArray a) {
        return CpuBackend.floats(a);
    }

    @Test
    void theNextCycleGetsTheSameArraysForTheSameRequests() {
        StepArena arena = new StepArena();
        float[] first, second;
        try (StepArena.Cycle c = arena.open()) {
            first = backing(NDArray.empty(DType.FLOAT32, N));
            second = backing(NDArray.empty(DType.FLOAT32, 2, N));
        }
        assertEquals(4L * 3 * N, arena.pooledBytes());
        try (StepArena.Cycle c = arena.open()) {
            assertSame(second, backing(NDArray.empty(DType.FLOAT32, N, 2)), "same length, any shape");
            assertSame(first, backing(NDArray.empty(DType.FLOAT32, N)));
            assertNotSame(first, backing(NDArray.empty(DType.FLOAT32, N)), "one array is lent once per cycle");
        }
    }

    @Test
    void anArrayUsedAfterItsCycleClosedFailsAndSaysWhy() {
        StepArena arena = new StepArena();
        NDArray kept, view;
        try (StepArena.Cycle c = arena.open()) {
            kept = NDArray.empty(DType.FLOAT32, N);
            kept.fill(2f);
            view = kept.reshape(1, N);
            assertEquals(2f * N, view.sum().item());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, kept::sum);
        assertTrue(e.getMessage().contains("StepArena cycle that has closed") && e.getMessage().contains("outside"),
                e.getMessage());
        assertThrows(IllegalStateException.class, view::toFloatArray, "a view shares its storage's fate");
    }

    @Test
    void whatIsMadeOutsideOrSmallOrOnAnotherThreadIsOrdinaryMemory() throws Exception {
        StepArena arena = new StepArena();
        NDArray outside, small, otherThread;
        try (StepArena.Cycle c = arena.open()) {
            outside = StepArena.outside(() -> NDArray.full(1f, N));
            small = NDArray.full(1f, StepArena.MIN_FLOATS - 1);
            otherThread = CompletableFuture.supplyAsync(() -> NDArray.full(1f, N)).get();
            assertEquals(N, NDArray.empty(DType.FLOAT32, N).numel(), "lent: the cycle is still open after outside()");
        }
        assertEquals(4L * N, arena.pooledBytes(), "only the one lent array came back");
        try (StepArena.Cycle c = arena.open()) {
            NDArray.empty(DType.FLOAT32, N); // takes the pooled array, which must not be any of the three
            NDArray.empty(DType.FLOAT32, N).fill(5f);
        }
        assertEquals(N, outside.sum().item());
        assertEquals(StepArena.MIN_FLOATS - 1, small.sum().item());
        assertEquals(N, otherThread.sum().item());
    }

    @Test
    void sizesTheLastCycleDidNotAskForAreReleased() {
        StepArena arena = new StepArena();
        try (StepArena.Cycle c = arena.open()) {
            NDArray.empty(DType.FLOAT32, N);
            NDArray.empty(DType.FLOAT32, 2 * N);
        }
        try (StepArena.Cycle c = arena.open()) {
            NDArray.empty(DType.FLOAT32, N);
        }
        assertEquals(4L * N, arena.pooledBytes());
    }

    @Test
    void cyclesDoNotNestAndCloseOnTheirOwnThread() throws Exception {
        StepArena arena = new StepArena(), other = new StepArena();
        try (StepArena.Cycle c = arena.open()) {
            assertThrows(IllegalStateException.class, arena::open);
            IllegalStateException nested = assertThrows(IllegalStateException.class, other::open);
            assertTrue(nested.getMessage().contains("do not nest"), nested.getMessage());
            CompletionException foreign = assertThrows(CompletionException.class,
                    () -> CompletableFuture.runAsync(c::close).join());
            assertTrue(foreign.getCause() instanceof IllegalStateException
                    && foreign.getCause().getMessage().contains("thread that opened it"), String.valueOf(foreign));
        }
        try (StepArena.Cycle c = other.open()) {
            assertEquals(N, NDArray.empty(DType.FLOAT32, N).numel(), "the closed cycle left the thread free");
        }
    }

    @Test
    void aRecycledArrayIsLentAgainInTheSameCycleAndItsOldStorageFails() {
        StepArena arena = new StepArena();
        NDArray outside = NDArray.full(1f, N);
        outside.storage().recycle(); // not lent by a cycle: nothing happens
        assertEquals(N, outside.sum().item());
        try (StepArena.Cycle c = arena.open()) {
            NDArray used = NDArray.empty(DType.FLOAT32, N);
            float[] array = backing(used);
            used.storage().recycle();
            NDArray next = NDArray.empty(DType.FLOAT32, N);
            assertSame(array, backing(next));
            IllegalStateException e = assertThrows(IllegalStateException.class, used::sum);
            assertTrue(e.getMessage().contains("given back"), e.getMessage());
        }
        assertEquals(4L * N, arena.pooledBytes(), "lent twice, kept once");
    }

    @Test
    void theSwitchTurnsLendingOff() {
        String old = System.getProperty("jvit.stepArena");
        System.setProperty("jvit.stepArena", "false");
        StepArena off;
        try {
            off = new StepArena();
        } finally {
            if (old == null) System.clearProperty("jvit.stepArena");
            else System.setProperty("jvit.stepArena", old);
        }
        NDArray made;
        try (StepArena.Cycle c = off.open()) {
            made = NDArray.full(3f, N);
        }
        assertEquals(3f * N, made.sum().item(), "ordinary memory, usable after the cycle");
        assertEquals(0, off.pooledBytes());
    }

    @Test
    void poisonFillsWhatTheBackendHandsOutWithNaN() {
        // the build runs its tests with -Djvit.poisonEmpty=true, so a kernel that reads an output before writing
        // it fails there; recycled arrays are poisoned again, not left with the last step's values
        assumeTrue(CpuStorage.POISON, "run without -Djvit.poisonEmpty=true");
        StepArena arena = new StepArena();
        for (int i = 0; i < 2; i++) {
            try (StepArena.Cycle c = arena.open()) {
                NDArray a = NDArray.empty(DType.FLOAT32, N);
                assertTrue(Float.isNaN(backing(a)[N - 1]), "cycle " + i);
                a.fill(1f);
            }
        }
        assertTrue(Float.isNaN(backing(NDArray.empty(DType.FLOAT32, N))[0]), "outside a cycle too");
    }
}
