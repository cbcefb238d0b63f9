package dev.jvit.core;

/**
 * A seedable random number generator whose whole state is one {@code long}, so a training run can save it
 * in a checkpoint and resume with exactly the same stream. The stream is SplitMix64 (Steele et al. 2014):
 * fast, statistically sound for initialisation and dropout, and trivially reproducible on any backend.
 */
public final class Generator {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public Generator(long seed) {
        this.state = seed;
    }

    /** The state to save; {@link #setState} restores the stream at exactly this point. */
    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits, the resolution of a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Standard normal by Box-Muller; one draw per call keeps the state a single long. */
    public float nextGaussian() {
        double u1 = ((nextLong() >>> 11) + 1) * 0x1.0p-53; // (0, 1]: log never sees zero
        double u2 = (nextLong() >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }

    // ---- counter-based draws: element i of a fill is a pure function of (key, i) -------------------------
    // A fill takes one key from the stream (nextLong) and derives every element from it, so any thread can
    // compute any element: large fills run in parallel and still give one result per seed.

    /** SplitMix64's finaliser applied to the index-th step after key. */
    public static long mix(long key, long index) {
        long z = key + (index + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) for element index of the fill keyed by key. */
    public static float uniformAt(long key, long index) {
        return (mix(key, index) >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal for element index of the fill keyed by key (Box-Muller on two counter draws). */
    public static float gaussianAt(long key, long index) {
        double u1 = ((mix(key, 2 * index) >>> 11) + 1) * 0x1.0p-53;
        double u2 = (mix(key, 2 * index + 1) >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }

    /** A generator for an independent sub-stream, e.g. one per worker thread. */
    public Generator split() {
        return new Generator(nextLong());
    }
}
