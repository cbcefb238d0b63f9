package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Storage;

/** Host memory: a Java {@code float[]} for FLOAT32 or an {@code int[]} for INT32. */
public final class CpuStorage implements Storage {
    private final float[] floats;
    private final int[] ints;

    private CpuStorage(float[] floats, int[] ints) {
        this.floats = floats;
        this.ints = ints;
    }

    public static CpuStorage of(float[] data) {
        return new CpuStorage(data, null);
    }

    public static CpuStorage of(int[] data) {
        return new CpuStorage(null, data);
    }

    static {
        FreshArrays.start();
    }

    /** Zeroed storage of the given length; large float arrays may have been made ahead by an idle worker ({@link FreshArrays}). */
    public static CpuStorage allocate(DType dtype, int length) {
        return dtype == DType.FLOAT32 ? of(FreshArrays.INSTANCE.take(length)) : of(new int[length]);
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
        return floats;
    }

    /** The backing array of an INT32 storage (shared, not copied). */
    public int[] ints() {
        if (ints == null) throw new IllegalStateException("expected INT32 storage, got FLOAT32");
        return ints;
    }
}
