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
}
