package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Storage;
import java.util.Arrays;

/** Host memory: a Java {@code float[]} for FLOAT32 or an {@code int[]} for INT32. */
public final class CpuStorage implements Storage {
    /** Whether every float array the backend hands out is filled with NaN first ({@link StepArena}). */
    static final boolean POISON = Boolean.getBoolean("jvit.poisonEmpty");

    private final float[] floats;
    private final int[] ints;
    /** The arena cycle the array was lent by, or null: once it closes, the array belongs to a later step. */
    private final StepArena.Cycle lentBy;
    /** Whether the array went back to the cycle early ({@link #recycle}): then it belongs to a later request. */
    private boolean recycled;

    private CpuStorage(float[] floats, int[] ints, StepArena.Cycle lentBy) {
        this.floats = floats;
        this.ints = ints;
        this.lentBy = lentBy;
    }

    public static CpuStorage of(float[] data) {
        return new CpuStorage(data, null, null);
    }

    public static CpuStorage of(int[] data) {
        return new CpuStorage(null, data, null);
    }

    static {
        FreshArrays.start();
    }

    /**
     * Storage of the given length with unspecified contents: inside a {@link StepArena} cycle on this thread, a
     * float array the last cycle used; otherwise a new zeroed one (large ones may have been made ahead by an idle
     * worker, {@link FreshArrays}).
     */
    public static CpuStorage allocate(DType dtype, int length) {
        if (dtype != DType.FLOAT32) return of(new int[length]);
        StepArena.Cycle cycle = length >= StepArena.MIN_FLOATS ? StepArena.openOnThisThread() : null;
        float[] a = cycle != null ? cycle.take(length) : FreshArrays.INSTANCE.take(length);
        if (POISON) Arrays.fill(a, Float.NaN);
        return new CpuStorage(a, null, cycle);
    }

    @Override
    public DType dtype() {
        return floats != null ? DType.FLOAT32 : DType.INT32;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public long length() {
        return floats != null ? floats.length : ints.length;
    }

    /** The backing array of a FLOAT32 storage (shared, not copied). */
    public float[] floats() {
        if (floats == null) throw new IllegalStateException("expected FLOAT32 storage, got INT32");
        if (lentBy != null && (recycled || lentBy.closed())) throw usedAfterCycle();
        return floats;
    }

    /** The backing array of an INT32 storage (shared, not copied). */
    public int[] ints() {
        if (ints == null) throw new IllegalStateException("expected INT32 storage, got FLOAT32");
        return ints;
    }

    /** Gives a lent array back to its cycle, which may lend it again at once; a no-op for any other array. */
    @Override
    public void recycle() {
        if (lentBy == null || recycled || lentBy.closed() || !lentBy.isOpenOnThisThread()) return;
        recycled = true;
        lentBy.giveBack(floats);
    }

    private IllegalStateException usedAfterCycle() {
        if (recycled) {
            return new IllegalStateException("this array (" + floats.length + " floats) was given back to its"
                    + " StepArena cycle as unused (Storage.recycle) and now holds another value; whoever recycled it"
                    + " was wrong that nothing else uses it");
        }
        return new IllegalStateException("this array (" + floats.length + " floats) was made inside a StepArena cycle"
                + " that has closed, and its memory now belongs to a later step; make what must outlive a step"
                + " inside StepArena.outside(...), or read it to the host before the cycle closes");
    }
}
