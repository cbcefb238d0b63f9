package dev.jvit.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.core.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PackedGemm against ScalarGemm (DESIGN point 7: fresh random inputs, relative error ||C - Cref|| / ||Cref||)
 * over sizes that hit every edge of the tiling: single elements, sizes around MR, NR, MC, KC, transposed
 * operands via strides, offsets, ldc wider than n, accumulation, and one and two threads.
 */
class GemmTest {
    private static final int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
    private static final int THREADS_BEFORE = Parallel.threads();

    private final Gemm ref = new ScalarGemm();
    private final Gemm packed = new PackedGemm();
    /** Tiny blocks so that the k, m and n block loops all run several times on small inputs. */
    private final Gemm tinyBlocks = new PackedGemm(new PackedGemm.Blocking(2 * MR, 7, 2 * NR));

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS_BEFORE);
    }

    static Stream<Arguments> sizes() {
        int blk = PackedGemm.Blocking.ZEN4.kc();
        int mc = PackedGemm.Blocking.ZEN4.mc();
        int[][] mnk = {
                {1, 1, 1}, {1, 50, 1}, {50, 1, 1}, {1, 1, 70}, {7, 13, 5}, {33, 65, 17}, {100, 3, 200},
                {MR, NR, 1}, {MR - 1, NR - 1, 3}, {MR + 1, NR + 1, 4}, {2 * MR, 2 * NR, 9},
                {50, 50, 16}, {50, 16, 50}, {64, 64, 64}, {97, 131, blk + 1}, {mc + 1, 40, 20},
                {mc + MR + 3, 2 * NR + 1, blk - 1}, {130, 70, 2 * blk + 3}, {300, 200, 64},
        };
        List<Arguments> out = new ArrayList<>();
        for (int[] s : mnk) {
            for (int threads : new int[] {1, 2}) out.add(Arguments.of(s[0], s[1], s[2], threads));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} threads={3}")
    @MethodSource("sizes")
    void matchesScalarOnAllLayouts(int m, int n, int k, int threads) {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(31L * m + 17L * n + k);
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    check(packed, m, n, k, transA, transB, accumulate, rnd);
                }
            }
        }
        check(tinyBlocks, m, n, k, false, false, true, rnd);
        check(tinyBlocks, m, n, k, true, true, false, rnd);
    }

    /** Big enough that the work is split over threads in both directions (over M, and over N when m is small). */
    @Test
    void threadedSplitsMatchScalar() {
        Parallel.setThreads(2);
        SplittableRandom rnd = new SplittableRandom(7);
        check(packed, 517, 301, 260, false, false, false, rnd);
        check(packed, 20, 1000, 300, false, true, true, rnd);
        check(packed, 1000, 20, 300, true, false, false, rnd);
    }

    /** Operands embedded in bigger arrays at an offset, with row strides wider than the matrix, ldc > n. */
    private void check(Gemm gemm, int m, int n, int k, boolean transA, boolean transB, boolean accumulate,
                       SplittableRandom rnd) {
        int aPad = 3, bPad = 5, aOff = 11, bOff = 7, cOff = 13, ldc = n + 4;
        // A is m x k: row-major with row stride k + aPad, or stored transposed (k x m) with row stride m + aPad
        int aRs = transA ? 1 : k + aPad, aCs = transA ? m + aPad : 1;
        int bRs = transB ? 1 : n + bPad, bCs = transB ? k + bPad : 1;
        float[] a = random(rnd, aOff + (transA ? k * (m + aPad) : m * (k + aPad)));
        float[] b = random(rnd, bOff + (transB ? n * (k + bPad) : k * (n + bPad)));
        float[] c0 = random(rnd, cOff + m * ldc + 2);
        float[] expected = c0.clone(), actual = c0.clone();
        ref.sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, expected, cOff, ldc, accumulate);
        gemm.sgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, actual, cOff, ldc, accumulate);
        String what = gemm.name() + " " + m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB
                + " accumulate=" + accumulate;
        double err = 0, norm = 0;
        for (int i = 0; i < c0.length; i++) {
            int row = (i - cOff) / ldc, col = (i - cOff) % ldc;
            boolean inside = i >= cOff && row < m && col < n;
            if (!inside) {
                assertEquals(c0[i], actual[i], what + ": wrote outside C at index " + i);
                continue;
            }
            double d = actual[i] - expected[i];
            err += d * d;
            norm += (double) expected[i] * expected[i];
        }
        double rel = Math.sqrt(err / norm);
        assertTrue(rel < 1e-5, what + ": relative error " + rel);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void referenceComputesAKnownProduct() {
        // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = {1, 2, 3, 4, 5, 6}, b = {7, 8, 9, 10, 11, 12};
        for (Gemm g : List.of(ref, packed)) {
            float[] c = new float[4];
            g.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 2, false);
            assertArrayEquals(new float[] {58, 64, 139, 154}, c, g.name());
            g.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 2, true);
            assertArrayEquals(new float[] {116, 128, 278, 308}, c, g.name());
        }
    }

    @Test
    void emptyInnerDimensionZeroesOrKeepsC() {
        for (Gemm g : List.of(ref, packed)) {
            float[] c = {1, 2, 3, 4};
            g.sgemm(2, 2, 0, new float[0], 0, 0, 1, new float[0], 0, 2, 1, c, 0, 2, true);
            assertArrayEquals(new float[] {1, 2, 3, 4}, c, g.name());
            g.sgemm(2, 2, 0, new float[0], 0, 0, 1, new float[0], 0, 2, 1, c, 0, 2, false);
            assertArrayEquals(new float[4], c, g.name());
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        for (Gemm g : List.of(ref, packed)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(2, 2, 4, a, 0, 4, 1, b, 0, 2, 1, c, 0, 2, false));
            assertTrue(e.getMessage().contains("operand A"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 1, 2, false));
            assertTrue(e.getMessage().contains("operand C"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 1, false));
            assertTrue(e.getMessage().contains("ldc"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(-1, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 2, false));
            assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
        }
    }
}
