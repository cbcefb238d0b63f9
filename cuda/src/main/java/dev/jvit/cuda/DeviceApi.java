package dev.jvit.cuda;

import dev.jvit.cuda.memory.DeviceMemory;

/**
 * What {@link CudaBackend} needs from a GPU: memory, host copies and kernel launches by name. The real one
 * is {@link CudaContext}; tests substitute a recording fake, so every launch the backend makes can be
 * checked against the kernels' PTX signatures on a machine without a GPU.
 *
 * <p>Kernel arguments are {@link Integer} (a C {@code int}), {@link Float}, {@link Long} (a 64-bit
 * integer), {@link Ptr} (a device pointer) or {@code int[]} (a struct of ints passed by value, such as
 * {@code Layout}).
 */
public interface DeviceApi extends DeviceMemory {

    /** e.g. "NVIDIA H100 80GB HBM3". */
    String deviceName();

    void copyToDevice(Ptr dst, float[] src, int count);

    void copyToDevice(Ptr dst, int[] src, int count);

    /** Waits for queued work, then copies. */
    void copyToHost(Ptr src, float[] dst, int count);

    void copyToHost(Ptr src, int[] dst, int count);

    /** Queues kernel {@code kernel} of the PTX module {@code module} (a .cu file's name). */
    void launch(String module, String kernel, Grid grid, Object... args);

    /** Waits until every queued kernel has finished. */
    void synchronize();
}
