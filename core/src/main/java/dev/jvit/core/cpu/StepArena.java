package dev.jvit.core.cpu;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Recycles the float arrays of one training step for the next: the JVM's counterpart of a GPU caching allocator,
 * and of ND4J's workspaces. A step asks for the same array sizes every time (activations, gradients, scratch);
 * inside a {@link Cycle} the CPU backend takes each from the arrays the previous cycle used, and when the cycle
 * closes every array it handed out goes back. Within a cycle the backward engine also gives back each gradient it
 * is done with ({@link dev.jvit.core.Storage#recycle}), which a later op of the same step takes first. In steady
 * state a step allocates next to nothing on the Java heap, so the collector has little work and the heap stays
 * near the live set plus one step's arrays.
 *
 * <p>Why: mnist-small at batch 128 made 363 MB of arrays a step. G1 allocated those of 2 MB and more as humongous
 * objects, and let the heap in use reach 1.8 GB before each collection (852 MB after) on the 2-vCPU build VM; in
 * cycles the step keeps 219 MB of arrays from one step to the next and collections come every 30 s or so. The
 * arrays also come back without the JVM zeroing them: the backend's {@code empty} promises no contents, and a
 * recycled array keeps its last values until a kernel overwrites them. {@code ./jvit bench compare --no-gemm} at
 * 2 threads, the last runs before and the first runs with it: mnist-tiny 4.52 and 4.54 times PyTorch, then 5.26
 * and 5.49; mnist-small 1.66 twice, then 2.64 and 2.66 (jvit 615 img/s then 946-960).
 *
 * <p>The rules, each checked:
 * <ul>
 *   <li>Only the thread that opened a cycle takes from it; other threads (a data loader's) allocate as usual.
 *   <li>An array made in a cycle is dead when the cycle closes: any later use of it, or of a view of it, fails
 *       with an error that says so, instead of reading a later step's values. Whatever must outlive the step
 *       (an optimizer's moments made at its first step, a copy kept for later) is made inside
 *       {@link #outside(Supplier)}, or read to the host first.
 *   <li>Arrays below {@link #MIN_FLOATS} are not recycled (a loss, a running sum: they cost nothing to make and
 *       are what code tends to keep).
 *   <li>The arena keeps only the arrays its last cycle used: a step whose sizes change (the smaller last batch of
 *       an epoch) releases the others to the collector.
 * </ul>
 *
 * <p>Typical loop: {@code try (StepArena.Cycle c = arena.open()) { forward; backward; optimizer.step(); loss = loss.item(); }}
 *
 * <p>{@code -Djvit.stepArena=false} turns the lending off. {@code -Djvit.poisonEmpty=true} fills every float
 * array the CPU backend hands out, recycled or new, with NaN, so that a kernel that reads an output it has not
 * written shows up as NaN in tests (the build's tests run with it).
 */
public final class StepArena {
    /** Arrays below this many floats (4 KB) are made with new, inside a cycle or not. */
    public static final int MIN_FLOATS = 1024;

    private static final ThreadLocal<Cycle> OPEN = new ThreadLocal<>();

    /** {@code -Djvit.stepArena=false}: cycles still open and close, but lend nothing (to rule the arena out). */
    private final boolean lends = !"false".equalsIgnoreCase(System.getProperty("jvit.stepArena", "true").trim());

    /** Arrays the last cycle handed out, free for the next, by length. */
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Arrays given back early in the open cycle ({@link Cycle#giveBack}), lent again before the last cycle's. */
    private final Map<Integer, ArrayDeque<float[]>> givenBack = new HashMap<>();
    private Cycle current;
    private long pooledBytes;

    /**
     * Starts a cycle on this thread: until it closes, float arrays the CPU backend makes on this thread come from
     * the arena. One cycle of an arena is open at a time, and a thread has at most one open cycle.
     */
    public Cycle open() {
        if (current != null) throw new IllegalStateException("this StepArena already has an open cycle (on "
                + current.owner.getName() + "); close it before opening the next");
        if (OPEN.get() != null) throw new IllegalStateException("thread " + Thread.currentThread().getName()
                + " already has an open StepArena cycle; cycles do not nest");
        current = new Cycle(this, Thread.currentThread());
        if (lends) OPEN.set(current);
        return current;
    }

    /** Bytes of arrays held for the next cycle (between cycles: the last cycle's arrays). */
    public long pooledBytes() {
        return pooledBytes;
    }

    /**
     * Runs make with this thread's open cycle, if any, set aside: what it allocates is ordinary heap memory that
     * outlives the cycle (an optimizer's state, made lazily at its first step).
     */
    public static <T> T outside(Supplier<T> make) {
        Cycle open = OPEN.get();
        if (open == null) return make.get();
        OPEN.remove();
        try {
            return make.get();
        } finally {
            OPEN.set(open);
        }
    }

    /** Puts a into arrays (free, or given back) and counts it as pooled. */
    private void hold(Map<Integer, ArrayDeque<float[]>> arrays, float[] a) {
        arrays.computeIfAbsent(a.length, k -> new ArrayDeque<>()).add(a);
        pooledBytes += 4L * a.length;
    }

    /** The cycle open on this thread, or null. */
    static Cycle openOnThisThread() {
        return OPEN.get();
    }

    /** One step's use of the arena; closing it returns every array it handed out. */
    public static final class Cycle implements AutoCloseable {
        private final StepArena arena;
        private final Thread owner;
        private final ArrayList<float[]> handedOut = new ArrayList<>();
        private boolean closed;

        private Cycle(StepArena arena, Thread owner) {
            this.arena = arena;
            this.owner = owner;
        }

        /** A float[n] given back in this cycle, or from the last cycle's arrays, or a new one; contents unspecified. */
        float[] take(int n) {
            float[] a = poll(arena.givenBack, n);
            if (a == null) a = poll(arena.free, n);
            if (a == null) a = FreshArrays.INSTANCE.take(n);
            handedOut.add(a);
            return a;
        }

        private float[] poll(Map<Integer, ArrayDeque<float[]>> arrays, int n) {
            ArrayDeque<float[]> q = arrays.get(n);
            float[] a = q == null ? null : q.poll();
            if (a != null) arena.pooledBytes -= 4L * n;
            return a;
        }

        /**
         * Takes back an array this cycle lent, which its user says nothing uses any more: a gradient the backward
         * engine has consumed. It is lent again before the last cycle's arrays, so a step's backward reuses the
         * memory of the gradients it is done with instead of holding all of them to the end.
         */
        void giveBack(float[] a) {
            for (int i = handedOut.size() - 1; i >= 0; i--) { // by identity; recent arrays are found first
                if (handedOut.get(i) == a) {
                    handedOut.remove(i);
                    arena.hold(arena.givenBack, a);
                    return;
                }
            }
            throw new IllegalStateException("an array given back to a StepArena cycle that did not lend it");
        }

        boolean isOpenOnThisThread() {
            return OPEN.get() == this;
        }

        /** Whether arrays made in this cycle may no longer be used. */
        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            if (closed) return;
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a StepArena cycle must be closed by the thread that opened it ("
                        + owner.getName() + "), not " + Thread.currentThread().getName());
            }
            closed = true;
            if (OPEN.get() == this) OPEN.remove();
            arena.current = null;
            // only this cycle's arrays are kept (lent, or given back and not lent again): sizes the step no
            // longer asks for go to the collector
            arena.free.clear();
            arena.pooledBytes = 0;
            for (float[] a : handedOut) arena.hold(arena.free, a);
            for (ArrayDeque<float[]> q : arena.givenBack.values()) for (float[] a : q) arena.hold(arena.free, a);
            arena.givenBack.clear();
            handedOut.clear();
        }
    }
}
