package dev.jvit.cuda.memory;

/**
 * The block sizes the {@link CachingAllocator} hands out. A request is rounded up to its class so that a
 * freed block can serve any later request of the same class: a training step asks for the same shapes
 * every time, and after the first step every request finds a cached block.
 * <ul>
 *   <li>up to 1 MiB: multiples of 512 bytes (small arrays: biases, statistics, scalars), at least 512;</li>
 *   <li>above: four classes per power of two (1, 1.25, 1.5, 1.75 times 2^k), so at most a quarter of a
 *       large block is slack.</li>
 * </ul>
 * 512 bytes is also the alignment every block gets, enough for float4 loads and for cuBLAS.
 */
public final class SizeClasses {
    public static final long MIN_BLOCK = 512;
    public static final long SMALL_LIMIT = 1L << 20;

    private SizeClasses() {}

    /** The class (block size in bytes) that serves a request of {@code bytes} bytes. */
    public static long roundUp(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
        if (bytes <= MIN_BLOCK) return MIN_BLOCK;
        if (bytes <= SMALL_LIMIT) return (bytes + MIN_BLOCK - 1) / MIN_BLOCK * MIN_BLOCK;
        int k = 63 - Long.numberOfLeadingZeros(bytes - 1); // 2^k < bytes <= 2^(k+1)
        long quarter = 1L << (k - 2);
        long base = 1L << k;
        long steps = (bytes - base + quarter - 1) / quarter; // 1..4 quarters above 2^k
        return base + steps * quarter;
    }
}
