package dev.jvit.core.cpu;

import dev.jvit.core.Generator;

/**
 * One dropout mask of the CPU backend, as its kernels take it: element i is kept, and scaled by
 * {@code scale = 1/(1-p)}, when its 24-bit hash under {@code key} ({@link ScalarKernels#dropoutBits}) is at
 * least {@code threshold = ceil(p * 2^24)}. Every CPU op that drops (dropout, its mask, GELU-dropout) builds
 * its draw here, so the same p and seed give the same mask in each of them.
 */
record DropoutDraw(long key, int threshold, float scale) {

    DropoutDraw(float p, long key) {
        this(key, threshold(p), 1f / (1f - p));
    }

    /** The draw {@code Backend.dropout(x, p, seed)} makes: the key is the first value of a generator seeded so. */
    static DropoutDraw of(float p, long seed) {
        return new DropoutDraw(p, new Generator(seed).nextLong());
    }

    private static int threshold(float p) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout needs p in [0, 1), got " + p);
        return (int) Math.ceil(p * (1 << 24));
    }

    /** out[outOff + i] = x[xOff + i] times the mask at i, for i in [from, to); x and out may be the same run. */
    void apply(CpuKernels kernels, float[] x, int xOff, float[] out, int outOff, int from, int to) {
        kernels.dropout(x, xOff, out, outOff, from, to, key, threshold, scale);
    }
}
