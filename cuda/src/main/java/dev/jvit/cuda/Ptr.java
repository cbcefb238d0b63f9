package dev.jvit.cuda;

/**
 * A device address as a kernel argument: a storage and a byte offset into it. Kernels get the address;
 * holding the storage keeps it reachable until the launch is queued, so its cleaner cannot hand the block
 * to another array in the middle of an op (after the launch, stream order protects it).
 */
public record Ptr(CudaStorage storage, long byteOffset) {

    /** The device address. */
    public long address() {
        return storage.address() + byteOffset;
    }

    /** This pointer moved by {@code elements} 4-byte elements. */
    public Ptr plus(long elements) {
        return elements == 0 ? this : new Ptr(storage, byteOffset + elements * 4);
    }
}
