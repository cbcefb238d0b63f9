package dev.jvit.cuda.memory;

/** The device could not provide an allocation, even after the allocator gave back everything it caches. */
public final class OutOfDeviceMemoryException extends RuntimeException {
    public OutOfDeviceMemoryException(String message) {
        super(message);
    }
}
