package dev.jvit.core;

/**
 * A flat buffer of elements on one device. Many {@link NDArray} views may share one storage; the storage
 * knows nothing of shapes. CPU storage is {@link dev.jvit.core.cpu.CpuStorage}; other backends bring their own.
 */
public interface Storage {
    DType dtype();

    Device device();

    /** Number of elements (not bytes). */
    long length();

    /**
     * Tells the backend that no one will use this storage again, so its memory may serve a later request now: the
     * backward engine says it of a gradient it has consumed. A backend that cannot reuse memory early ignores it;
     * the CPU backend reuses an array lent by the step arena's open cycle on this thread, and any later use of
     * this storage fails.
     */
    default void recycle() {}
}
