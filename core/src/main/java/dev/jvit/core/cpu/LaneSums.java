package dev.jvit.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order, for the SIMD kernels' row sums (layer norm statistics,
 * softmax denominators, dot products), and by the same rotations their max (the attention softmax's row max).
 *
 * <p>{@code reduceLanes(ADD)} may add the lanes in any order, and its compiled and interpreted forms do differ
 * in the last bit, which made the same training run give different weights before and after the JIT warmed
 * up. Adding the lanes one by one ({@code lane(i)} in a loop) is fixed but slow: 25 ns per 8-float layer-norm
 * row on the AVX2 build machine, most of it in the two lane loops. This is a tree of rotations instead: add the
 * vector rotated by L/2 lanes, then by L/4, ..., then by 1; lane 0 then holds the total. Every step is a
 * lane-wise add, exact to specify, so the interpreter and C2 give the same bits; log2(L) shuffle-add pairs cost
 * 13 ns per such row (reduceLanes: 8 ns).
 */
final class LaneSums {
    private static final VectorSpecies<Float> S = SimdMath.SPECIES;
    private static final int L = S.length();
    // lane i of v.rearrange(ROTk) is lane (i + k) mod L of v; a rotation by L or more is never used
    private static final VectorShuffle<Float> ROT8 = VectorShuffle.iota(S, 8 % L, 1, true);
    private static final VectorShuffle<Float> ROT4 = VectorShuffle.iota(S, 4 % L, 1, true);
    private static final VectorShuffle<Float> ROT2 = VectorShuffle.iota(S, 2 % L, 1, true);
    private static final VectorShuffle<Float> ROT1 = VectorShuffle.iota(S, 1, 1, true);

    private LaneSums() {}

    /** The lanes of v (of {@link SimdMath#SPECIES}) added as a fixed tree; the same bits however it is run. */
    static float sum(FloatVector v) {
        if (L >= 16) v = v.add(v.rearrange(ROT8));
        if (L >= 8) v = v.add(v.rearrange(ROT4));
        v = v.add(v.rearrange(ROT2));
        return v.add(v.rearrange(ROT1)).lane(0);
    }

    /**
     * v with every lane set to the largest lane of v, by the same rotation tree with compare-and-blend steps
     * (order-free, and without the NaN and -0 fix-ups of Java's max: a NaN lane may or may not win). For the
     * attention softmax's row max, which feeds a vector subtraction and so stays a vector.
     */
    static FloatVector max(FloatVector v) {
        FloatVector r;
        if (L >= 16) {
            r = v.rearrange(ROT8);
            v = v.blend(r, v.lt(r));
        }
        if (L >= 8) {
            r = v.rearrange(ROT4);
            v = v.blend(r, v.lt(r));
        }
        r = v.rearrange(ROT2);
        v = v.blend(r, v.lt(r));
        r = v.rearrange(ROT1);
        return v.blend(r, v.lt(r));
    }
}
