package dev.jvit.cuda.memory;

/**
 * Raw device memory as the {@link CachingAllocator} sees it: whole allocations identified by their address.
 * The CUDA context implements it with cuMemAlloc/cuMemFree; tests implement it with counters, so the
 * allocator's arithmetic and reuse rules are checked without a GPU.
 */
public interface DeviceMemory {

    /** A new allocation of exactly {@code bytes} bytes; its address. */
    long allocate(long bytes) throws OutOfDeviceMemoryException;

    /** Returns an allocation made by {@link #allocate} to the device. */
    void free(long address);
}
