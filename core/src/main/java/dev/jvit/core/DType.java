package dev.jvit.core;

/**
 * Element types an {@link NDArray} can hold. Float32 is the type of every value and gradient; int32 holds
 * class labels and gather/index-select indices.
 */
public enum DType {
    FLOAT32(4),
    INT32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
