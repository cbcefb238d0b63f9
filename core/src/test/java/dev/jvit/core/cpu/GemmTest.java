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
 * operands via strides, offsets, ldc wider than n, accumulation, and one and two threads; each of the ways A
 * reaches the micro-kernel (packed, read in place, the automatic choice); batches, with and without a shared
 * B, directly and through CpuBackend.matmul; and determinism: bitwise the same C on every call, with one or
 * two threads, whichever way A was read.
 */
class GemmTest {
    private static final int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
    private static final int THREADS_BEFORE = Parallel.threads();

    private final Gemm ref = new ScalarGemm();
    private final Gemm packed = new PackedGemm();
    /** Tiny blocks so that the k, m and n block loops all run several times on small inputs. */
    private final Gemm tinyBlocks = new PackedGemm(new PackedGemm.Blocking(2 * MR, 7, 2 * NR));
    private final Gemm packA = new PackedGemm(PackedGemm.Blocking.ZEN4, PackedGemm.APacking.ALWAYS);
    private final Gemm inPlaceA = new PackedGemm(PackedGemm.Blocking.ZEN4, PackedGemm.APacking.WHEN_STRIDED);
    private final Gemm tinyInPlace = new PackedGemm(new PackedGemm.Blocking(2 * MR, 7, 2 * NR),
            PackedGemm.APacking.WHEN_STRIDED);

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
        check(tinyInPlace, m, n, k, false, true, true, rnd);
        check(packA, m, n, k, false, true, false, rnd);
        check(inPlaceA, m, n, k, false, false, false, rnd);
    }

    /**
     * Every size from 1 to 70 around the tile edges (MR = 4 rows, NR = 2 vectors, and the 50 x 16 x 50 of an
     * attention head) in all four transposition combinations, for packed and in-place A; accumulate picked at
     * random so both kinds of write-back run at every edge.
     */
    @Test
    void oddSizesAroundTileEdges() {
        Parallel.setThreads(1);
        SplittableRandom rnd = new SplittableRandom(2024);
        int[] ms = {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33, 49, 50, 51, 70};
        int[] ns = {1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 50, 64, 65, 70};
        int[] ks = {1, 2, 3, 16, 17, 50, 70};
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    boolean transA = rnd.nextBoolean(), transB = rnd.nextBoolean();
                    check(packed, m, n, k, transA, transB, rnd.nextBoolean(), rnd);
                    check(inPlaceA, m, n, k, false, !transB, rnd.nextBoolean(), rnd);
                    check(packA, m, n, k, !transA, transB, rnd.nextBoolean(), rnd);
                }
            }
        }
    }

    /**
     * ViT-sized skinny products: tall A read in place against a small B, and a long k with a small C (a weight
     * gradient over thousands of tokens), which PackedGemm cuts into parts.
     */
    @Test
    void skinnyTransformerShapesMatchScalar() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            check(packed, 803, 192, 64, false, true, false, rnd);   // x · Wᵀ
            check(packed, 803, 64, 130, false, false, true, rnd);   // dY · W
            check(packed, 64, 72, 1100, true, false, false, rnd);   // xᵀ · dY, k cut into parts
            check(packed, 37, 29, 5000, true, false, true, rnd);    // ten parts, accumulating into C
            check(packed, 5, 6, 20487, false, true, true, rnd);     // more than SPLIT_K_MAX_PARTS blocks of k
            check(packed, 300, 300, 1100, true, false, false, rnd); // C too big to cut k: KC blocks
            check(tinyInPlace, 61, 40, 23, false, false, true, rnd);
            // narrow weight gradients, whose parts run unpacked: N of one to four vectors, rows past the last 8
            int v = GemmMicroKernel.VLEN;
            check(packed, 24, v, 6400, true, false, false, rnd);
            check(packed, 13, 3 * v, 3000, true, false, true, rnd);
            check(packed, 8, 4 * v, 1100, false, false, false, rnd);
            check(packed, 3, 2 * v, 2048, true, false, true, rnd);
        }
    }

    /** Read in place or packed, one thread or two, first call or tenth: C is bitwise the same. */
    @Test
    void resultsAreBitwiseDeterministic() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] shapes = {{803, 192, 64}, {50, 50, 16}, {64, 192, 1100}, {300, 300, 300}, {130, 37, 530}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean transB : new boolean[] {false, true}) {
                float[] a = random(rnd, m * k), b = random(rnd, k * n);
                int brs = transB ? 1 : n, bcs = transB ? k : 1;
                float[] first = null;
                for (Gemm g : List.of(packed, packA, inPlaceA)) {
                    for (int threads : new int[] {1, 2, 1, 2}) {
                        Parallel.setThreads(threads);
                        float[] c = new float[m * n];
                        g.sgemm(m, n, k, a, 0, k, 1, b, 0, brs, bcs, c, 0, n, false);
                        if (first == null) first = c;
                        assertArrayEquals(first, c, g.name() + " " + m + "x" + n + "x" + k + " transB=" + transB
                                + " threads=" + threads + " differs bitwise");
                    }
                }
            }
        }
    }

    /**
     * sgemmBias starts C's blocks from the bias inside the packed loops: bitwise what the interface's default
     * (fill C with the bias rows, then accumulate) gives with the same kernels, on every path a block can take
     * (A read in place or packed, edge tiles of one vector and less, several KC steps, several MC and NC
     * blocks, N split over threads for a short A, split-K, k = 0), with one and two threads, a bias at an
     * offset, and C embedded with ldc > n (nothing outside C written); and within rounding of ScalarGemm.
     */
    @Test
    void biasStartsEveryBlockAsTheDefaultWould() {
        SplittableRandom rnd = new SplittableRandom(11);
        int kc = PackedGemm.Blocking.ZEN4.kc();
        int[][] shapes = {{6400 / 50, 192, 64}, {803, 8, 8}, {97, NR + 3, 33}, {50, 7, 9}, {130, 300, 70},
                {20, 1000, 300}, {64, 192, 2 * kc + 5}, {300, 64, kc + 1}, {5, 3, 0}, {1, 1, 1}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (Gemm g : List.of(packed, packA, tinyBlocks, tinyInPlace)) {
                Gemm viaDefault = new Gemm() { // the interface's sgemmBias over the same sgemm
                    public String name() { return "default over " + g.name(); }
                    public void sgemm(int m1, int n1, int k1, float[] a, int ao, int ars, int acs, float[] b, int bo,
                                      int brs, int bcs, float[] c, int co, int ldc, boolean acc) {
                        g.sgemm(m1, n1, k1, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc, acc);
                    }
                };
                for (boolean transB : new boolean[] {false, true}) {
                    float[] a = random(rnd, m * k + 1), b = random(rnd, k * n + 1), bias = random(rnd, n + 2);
                    int brs = transB ? 1 : n, bcs = transB ? k : 1, ldc = n + 3, cOff = 2;
                    float[] c0 = random(rnd, cOff + m * ldc + 1);
                    float[] expected = c0.clone(), reference = c0.clone();
                    viaDefault.sgemmBias(m, n, k, a, 1, k, 1, b, 1, brs, bcs, bias, 2, expected, cOff, ldc);
                    ref.sgemmBias(m, n, k, a, 1, k, 1, b, 1, brs, bcs, bias, 2, reference, cOff, ldc);
                    for (int threads : new int[] {1, 2}) {
                        Parallel.setThreads(threads);
                        float[] actual = c0.clone();
                        g.sgemmBias(m, n, k, a, 1, k, 1, b, 1, brs, bcs, bias, 2, actual, cOff, ldc);
                        String what = g.name() + " " + m + "x" + n + "x" + k + " transB=" + transB + " threads=" + threads;
                        assertArrayEquals(expected, actual, what + ": differs bitwise from the default");
                        assertRelativeError(reference, actual, 1e-5, what + " against ScalarGemm");
                    }
                }
            }
        }
        float[] c = new float[4];
        var e = assertThrows(IllegalArgumentException.class,
                () -> packed.sgemmBias(2, 2, 1, new float[2], 0, 1, 1, new float[2], 0, 2, 1, new float[1], 0, c, 0, 2));
        assertTrue(e.getMessage().contains("bias of 2 values from offset 0") && e.getMessage().contains("length 1"),
                e.getMessage());
    }

    /**
     * sgemmBatch against one ScalarGemm call per matrix: every transposition combination, B shared by the
     * whole batch (packed once) or one per matrix, matrices laid out with gaps, accumulate, one and two
     * threads, the tiny-block GEMM (B too big to share in one block) and the default sequential loop.
     */
    @Test
    void batchMatchesScalarPerMatrix() {
        SplittableRandom rnd = new SplittableRandom(99);
        int[][] shapes = {{50, 50, 16}, {50, 16, 50}, {16, 50, 50}, {5, 3, 7}, {1, 1, 1}, {70, 33, 9}};
        for (int[] s : shapes) {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (boolean shared : new boolean[] {false, true}) {
                    for (int layout = 0; layout < 4; layout++) {
                        boolean transA = (layout & 1) != 0, transB = (layout & 2) != 0;
                        checkBatch(packed, 9, s[0], s[1], s[2], transA, transB, shared, layout == 1, rnd);
                    }
                    checkBatch(tinyBlocks, 4, s[0], s[1], s[2], false, true, shared, true, rnd);
                    checkBatch(ref, 3, s[0], s[1], s[2], true, false, shared, false, rnd);
                }
            }
        }
    }

    @Test
    void batchOfNothingAndBadOffsets() {
        float[] c = {1, 2};
        packed.sgemmBatch(0, 1, 1, 1, new float[1], new int[0], 1, 1, new float[1], new int[0], 1, 1, c, new int[0], 1, false);
        assertArrayEquals(new float[] {1, 2}, c);
        // k = 0: each matrix of C zeroed (not accumulating) or kept
        packed.sgemmBatch(2, 1, 1, 0, new float[0], new int[2], 1, 1, new float[0], new int[2], 1, 1, c,
                new int[] {0, 1}, 1, false);
        assertArrayEquals(new float[2], c);
        for (Gemm g : List.of(ref, packed)) {
            var e = assertThrows(IllegalArgumentException.class, () -> g.sgemmBatch(2, 1, 1, 1, new float[2],
                    new int[] {0}, 1, 1, new float[2], new int[] {0, 1}, 1, 1, new float[2], new int[] {0, 1}, 1, false));
            assertTrue(e.getMessage().contains("operand A"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.sgemmBatch(2, 1, 1, 1, new float[2],
                    new int[] {0, 1}, 1, 1, new float[2], new int[] {0, 2}, 1, 1, new float[2], new int[] {0, 1}, 1, false));
            assertTrue(e.getMessage().contains("operand B"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.sgemmBatch(-1, 1, 1, 1, new float[2],
                    new int[0], 1, 1, new float[2], new int[0], 1, 1, new float[2], new int[0], 1, false));
            assertTrue(e.getMessage().contains("count"), e.getMessage());
        }
    }

    /**
     * CpuBackend.matmul, which hands batches to sgemmBatch, against the scalar backend on the views a ViT
     * makes: q and k sliced from a permuted qkv (q · kᵀ with kᵀ a transposed view), a weight broadcast over a
     * batch of transposed matrices (so the batch cannot fold into one tall product and B is shared), and the
     * backward products; bitwise the same with one and two threads.
     */
    @Test
    void backendBatchedMatmulMatchesScalarBackend() {
        CpuBackend simd = CpuBackend.simd(), scalar = CpuBackend.scalar();
        dev.jvit.core.Generator g = new dev.jvit.core.Generator(3);
        int batch = 3, heads = 4, tokens = 50, hd = 16;
        dev.jvit.core.NDArray qkv = dev.jvit.core.NDArray.randn(g, batch, tokens, 3, heads, hd).permute(2, 0, 3, 1, 4);
        dev.jvit.core.NDArray q = qkv.select(0, 0), k = qkv.select(0, 1), v = qkv.select(0, 2);
        dev.jvit.core.NDArray p = dev.jvit.core.NDArray.randn(g, batch, heads, tokens, tokens);
        dev.jvit.core.NDArray xt = dev.jvit.core.NDArray.randn(g, 6, 37, 21).mT(); // (6, 21, 37), A transposed
        dev.jvit.core.NDArray w = dev.jvit.core.NDArray.randn(g, 37, 19);         // shared by all 6
        dev.jvit.core.NDArray[][] pairs = {{q, k.mT()}, {p, v}, {q.mT(), p}, {p.mT(), q}, {xt, w}, {w.mT(), xt.mT()}};
        for (dev.jvit.core.NDArray[] pair : pairs) {
            float[] want = scalar.matmul(pair[0], pair[1]).toFloatArray();
            float[] first = null;
            for (int threads : new int[] {1, 2, 2}) {
                Parallel.setThreads(threads);
                float[] got = simd.matmul(pair[0], pair[1]).toFloatArray();
                assertRelativeError(want, got, 1e-5, "matmul " + java.util.Arrays.toString(pair[0].shape()) + " x "
                        + java.util.Arrays.toString(pair[1].shape()));
                if (first == null) first = got;
                assertArrayEquals(first, got, "threads=" + threads + " differs bitwise");
            }
        }
    }

    private void checkBatch(Gemm gemm, int count, int m, int n, int k, boolean transA, boolean transB, boolean sharedB,
                            boolean accumulate, SplittableRandom rnd) {
        int ldc = n + 3, aGap = 5, bGap = 2, cGap = 4;
        int aRs = transA ? 1 : k, aCs = transA ? m : 1, bRs = transB ? 1 : n, bCs = transB ? k : 1;
        int aSize = m * k + aGap, bSize = k * n + bGap, cSize = m * ldc + cGap;
        float[] a = random(rnd, 3 + count * aSize), b = random(rnd, 1 + (sharedB ? 1 : count) * bSize);
        float[] c0 = random(rnd, count * cSize);
        int[] aOffs = new int[count], bOffs = new int[count], cOffs = new int[count];
        for (int i = 0; i < count; i++) {
            aOffs[i] = 3 + i * aSize;
            bOffs[i] = 1 + (sharedB ? 0 : i * bSize);
            cOffs[i] = i * cSize;
        }
        float[] expected = c0.clone(), actual = c0.clone();
        for (int i = 0; i < count; i++) {
            ref.sgemm(m, n, k, a, aOffs[i], aRs, aCs, b, bOffs[i], bRs, bCs, expected, cOffs[i], ldc, accumulate);
        }
        gemm.sgemmBatch(count, m, n, k, a, aOffs, aRs, aCs, b, bOffs, bRs, bCs, actual, cOffs, ldc, accumulate);
        String what = gemm.name() + " batch " + count + " of " + m + "x" + n + "x" + k + " transA=" + transA
                + " transB=" + transB + " sharedB=" + sharedB + " accumulate=" + accumulate;
        for (int i = 0; i < c0.length; i++) {
            int col = i % cSize % ldc, row = i % cSize / ldc;
            if (row >= m || col >= n) assertEquals(c0[i], actual[i], what + ": wrote outside C at index " + i);
        }
        assertRelativeError(expected, actual, 1e-5, what);
    }

    private static void assertRelativeError(float[] expected, float[] actual, double limit, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double err = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            err += d * d;
            norm += (double) expected[i] * expected[i];
        }
        double rel = Math.sqrt(err / norm);
        assertTrue(rel < limit, what + ": relative error " + rel);
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
