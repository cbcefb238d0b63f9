package dev.jvit.cuda;

/**
 * A launch configuration: blocks in x, y, z, threads per block (one-dimensional blocks only) and dynamic
 * shared memory in bytes.
 */
public record Grid(int x, int y, int z, int threads, int sharedBytes) {
    /** Threads per block for elementwise kernels. */
    public static final int THREADS = 256;
    /** Grid-stride kernels need no more blocks than this; longer arrays take several laps. */
    public static final int MAX_BLOCKS = 65535;

    public Grid {
        if (x < 1 || y < 1 || z < 1 || y > 65535 || z > 65535) {
            throw new IllegalArgumentException("bad grid " + x + "x" + y + "x" + z);
        }
        if (threads < 1 || threads > 1024) throw new IllegalArgumentException("bad block size " + threads);
    }

    /** Enough 256-thread blocks for n elements of a grid-stride kernel (n >= 1). */
    public static Grid forElements(long n) {
        long blocks = Math.max(1, Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS));
        return new Grid((int) blocks, 1, 1, THREADS, 0);
    }

    /**
     * One block per row (grid-stride over rows beyond 65535), with a power-of-two block of 32 to 256
     * threads: enough to cover a short row in one pass, and a multiple of the warp size for the reductions.
     */
    public static Grid forRows(int rows, int rowLength) {
        int threads = 32;
        while (threads < 256 && threads < rowLength) threads <<= 1;
        return new Grid(Math.max(1, Math.min(MAX_BLOCKS, rows)), 1, 1, threads, 0);
    }
}
