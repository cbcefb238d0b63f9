package dev.jvit.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernels of {@link PackedGemm}: one MR x NR tile of C from MR rows of A and an
 * NR-column panel of packed B, MR = 4 rows by NR = 2 vectors. Per step p of the k loop they load two vectors
 * of B, broadcast four values of A and issue eight FMAs into eight accumulators that stay in registers. B is
 * always packed; A comes packed ({@link #tile}) or is read where it lies when it is row-major
 * ({@link #tileInPlace}), which saves packing A when N is too small to repay it:
 * <pre>
 *   ap[ai + p*MR + r] = A[r][p]      r &lt; MR, p &lt; kc   (packed: zero-padded rows)
 *   a[ai + r*lda + p] = A[r][p]                         (in place: four row streams, unit stride in p)
 *   bp[bi + p*NR + j] = B[p][j]      j &lt; NR           (zero-padded columns)
 * </pre>
 * so the loop needs no mask or tail, and every index is a loop-invariant base plus p times a constant, which
 * is what lets C2 hoist the array range checks out of the loop. A kernel that read B in place through its
 * row stride (b[bi + p*ldb + j]) was measured and rejected: with a stride C2 cannot prove, the range checks
 * stay in the loop and it ran at 55-65 GFLOP/s against 92-95 for packed B (kc = 256, tiles in L1, one core of
 * this AVX2 machine); A read in place ran at 95 against 96 for packed A. Both kernels add the products over p
 * in the same order, so a C element comes out bitwise the same whichever of them computed it.
 *
 * <p>Why 4 x 2 and not the 6 x 2 of BLIS's Haswell kernel: C2 schedules all of an iteration's loads first,
 * so MR broadcasts, 2 B vectors and MR*2 accumulators are live at once. That is 14 of AVX2's 16 registers for
 * 4 x 2, but 20 for 6 x 2 and 17 for 5 x 2, and C2 then spills an accumulator to the stack: measured on Zen 4
 * with the kernel alone in L1 (kc = 256), 4x2 ran at 87-90 GFLOP/s, 6x2 at 42, 5x2 at 35, 4x3 at 39, 3x3 at
 * 80, 8x1 at 70, and unrolling the k loop by 2 or 4 by hand made 4x2 spill too (70 and 30). Eight accumulators
 * are also exactly what two FMA pipes with a 4-cycle latency need to stay busy.
 *
 * <p>The vector width is fixed once per JVM: the platform's preferred species, or the one named by
 * {@code -Djvit.gemm.bits=128|256|512} (how the benchmarks compare 256- with 512-bit vectors where the CPU has
 * both). Holding the species in a {@code static final} field lets C2 treat it as a constant; a species read
 * from an instance field would defeat intrinsification and every vector would be boxed, 10-50x slower. For
 * the same reason the methods are kept small and flat: locals only, no arrays of vectors, no helper taking
 * vectors as arguments (the C update is written out in each kernel for that reason). Edge tiles are computed
 * into a scratch tile by the caller.
 */
final class GemmMicroKernel {
    static final VectorSpecies<Float> SPECIES = pickSpecies();
    static final int VLEN = SPECIES.length();
    static final int MR = 4;
    static final int NR = 2 * VLEN;

    private GemmMicroKernel() {}

    private static VectorSpecies<Float> pickSpecies() {
        String p = System.getProperty("jvit.gemm.bits");
        if (p == null || p.isBlank()) return FloatVector.SPECIES_PREFERRED;
        int bits;
        try {
            bits = Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jvit.gemm.bits must be 128, 256 or 512, got '" + p + "'");
        }
        VectorSpecies<Float> s = switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("jvit.gemm.bits must be 128, 256 or 512, got " + bits);
        };
        int widest = VectorShape.preferredShape().vectorBitSize();
        if (bits > widest) {
            // Wider than the hardware: the Vector API would fall back to its Java implementation.
            throw new IllegalArgumentException("jvit.gemm.bits=" + bits + " is wider than this CPU's "
                    + widest + "-bit vectors");
        }
        return s;
    }

    /** C[ci + r*ldc + j] (+)= sum_p ap[ai + p*MR + r] * bp[bi + p*NR + j] for the full tile r &lt; MR, j &lt; NR. */
    static void tile(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, boolean add) {
        var s = SPECIES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            // indices recomputed from p (not bumped) so C2 can prove them in range and drop the checks
            int a = ai + p * MR, b = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(s, bp, b);
            FloatVector b1 = FloatVector.fromArray(s, bp, b + VLEN);
            FloatVector x = FloatVector.broadcast(s, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(s, c, r0));
            c01 = c01.add(FloatVector.fromArray(s, c, r0 + VLEN));
            c10 = c10.add(FloatVector.fromArray(s, c, r1));
            c11 = c11.add(FloatVector.fromArray(s, c, r1 + VLEN));
            c20 = c20.add(FloatVector.fromArray(s, c, r2));
            c21 = c21.add(FloatVector.fromArray(s, c, r2 + VLEN));
            c30 = c30.add(FloatVector.fromArray(s, c, r3));
            c31 = c31.add(FloatVector.fromArray(s, c, r3 + VLEN));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + VLEN);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + VLEN);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + VLEN);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + VLEN);
    }

    /**
     * C[ci + r*ldc + j] (+)= sum_p a[ai + r*lda + p] * bp[bi + p*NR + j] for the full tile: {@link #tile} with
     * A read in place from MR rows of a row-major matrix (row stride lda).
     */
    static void tileInPlace(int kc, float[] a, int ai, int lda, float[] bp, int bi, float[] c, int ci, int ldc,
                            boolean add) {
        var s = SPECIES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
        int a0 = ai, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kc; p++) {
            int b = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(s, bp, b);
            FloatVector b1 = FloatVector.fromArray(s, bp, b + VLEN);
            FloatVector x = FloatVector.broadcast(s, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(s, c, r0));
            c01 = c01.add(FloatVector.fromArray(s, c, r0 + VLEN));
            c10 = c10.add(FloatVector.fromArray(s, c, r1));
            c11 = c11.add(FloatVector.fromArray(s, c, r1 + VLEN));
            c20 = c20.add(FloatVector.fromArray(s, c, r2));
            c21 = c21.add(FloatVector.fromArray(s, c, r2 + VLEN));
            c30 = c30.add(FloatVector.fromArray(s, c, r3));
            c31 = c31.add(FloatVector.fromArray(s, c, r3 + VLEN));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + VLEN);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + VLEN);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + VLEN);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + VLEN);
    }

    /**
     * {@link #tile} for the left half of a panel: MR rows by one vector (columns j &lt; VLEN of the panel). For
     * products whose N is at most one vector or ends in one (a transformer of width 8: N = 8 or 24), where the
     * full tile would compute its right half into scratch and throw it away. Same products, same order over p,
     * so the bits are those of the full tile's left half.
     */
    static void tileHalf(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, boolean add) {
        var s = SPECIES;
        FloatVector c0 = FloatVector.zero(s), c1 = FloatVector.zero(s), c2 = FloatVector.zero(s), c3 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int a = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(s, bp, bi + p * NR);
            c0 = FloatVector.broadcast(s, ap[a]).fma(b0, c0);
            c1 = FloatVector.broadcast(s, ap[a + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(s, ap[a + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(s, ap[a + 3]).fma(b0, c3);
        }
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (add) {
            c0 = c0.add(FloatVector.fromArray(s, c, r0));
            c1 = c1.add(FloatVector.fromArray(s, c, r1));
            c2 = c2.add(FloatVector.fromArray(s, c, r2));
            c3 = c3.add(FloatVector.fromArray(s, c, r3));
        }
        c0.intoArray(c, r0);
        c1.intoArray(c, r1);
        c2.intoArray(c, r2);
        c3.intoArray(c, r3);
    }

    /** {@link #tileHalf} with A read in place, as {@link #tileInPlace}. */
    static void tileHalfInPlace(int kc, float[] a, int ai, int lda, float[] bp, int bi, float[] c, int ci, int ldc,
                                boolean add) {
        var s = SPECIES;
        FloatVector c0 = FloatVector.zero(s), c1 = FloatVector.zero(s), c2 = FloatVector.zero(s), c3 = FloatVector.zero(s);
        int a0 = ai, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(s, bp, bi + p * NR);
            c0 = FloatVector.broadcast(s, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(s, a[a1 + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(s, a[a2 + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(s, a[a3 + p]).fma(b0, c3);
        }
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (add) {
            c0 = c0.add(FloatVector.fromArray(s, c, r0));
            c1 = c1.add(FloatVector.fromArray(s, c, r1));
            c2 = c2.add(FloatVector.fromArray(s, c, r2));
            c3 = c3.add(FloatVector.fromArray(s, c, r3));
        }
        c0.intoArray(c, r0);
        c1.intoArray(c, r1);
        c2.intoArray(c, r2);
        c3.intoArray(c, r3);
    }

    /** Rows of C per {@link #tileUnpacked} call: eight accumulators, as two FMA pipes of latency 4 need. */
    static final int UNPACKED_ROWS = 8;

    /**
     * C[ci + r*ldc + j] (+)= sum_p a[ai + r*ars + p*acs] * b[bi + p*brs + j] for r &lt; UNPACKED_ROWS and
     * j &lt; VLEN, nothing packed: both operands read where they lie, B's rows one vector each. For a weight
     * gradient of a narrow layer (C of 24 x 8 summed over 6400 tokens), where packing the operands cost more
     * than the multiply. The strides keep range checks in the loop (the packed kernel's reason to exist),
     * which is cheap next to the packing it saves here. Products over p in order, as every kernel here.
     */
    static void tileUnpacked(int kc, float[] a, int ai, int ars, int acs, float[] b, int bi, int brs,
                             float[] c, int ci, int ldc, boolean add) {
        var s = SPECIES;
        FloatVector c0 = FloatVector.zero(s), c1 = FloatVector.zero(s), c2 = FloatVector.zero(s), c3 = FloatVector.zero(s);
        FloatVector c4 = FloatVector.zero(s), c5 = FloatVector.zero(s), c6 = FloatVector.zero(s), c7 = FloatVector.zero(s);
        int a0 = ai, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars, a4 = a3 + ars, a5 = a4 + ars, a6 = a5 + ars, a7 = a6 + ars;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(s, b, bi + p * brs);
            int ap = p * acs;
            c0 = FloatVector.broadcast(s, a[a0 + ap]).fma(b0, c0);
            c1 = FloatVector.broadcast(s, a[a1 + ap]).fma(b0, c1);
            c2 = FloatVector.broadcast(s, a[a2 + ap]).fma(b0, c2);
            c3 = FloatVector.broadcast(s, a[a3 + ap]).fma(b0, c3);
            c4 = FloatVector.broadcast(s, a[a4 + ap]).fma(b0, c4);
            c5 = FloatVector.broadcast(s, a[a5 + ap]).fma(b0, c5);
            c6 = FloatVector.broadcast(s, a[a6 + ap]).fma(b0, c6);
            c7 = FloatVector.broadcast(s, a[a7 + ap]).fma(b0, c7);
        }
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        if (add) {
            c0 = c0.add(FloatVector.fromArray(s, c, r0));
            c1 = c1.add(FloatVector.fromArray(s, c, r1));
            c2 = c2.add(FloatVector.fromArray(s, c, r2));
            c3 = c3.add(FloatVector.fromArray(s, c, r3));
            c4 = c4.add(FloatVector.fromArray(s, c, r4));
            c5 = c5.add(FloatVector.fromArray(s, c, r5));
            c6 = c6.add(FloatVector.fromArray(s, c, r6));
            c7 = c7.add(FloatVector.fromArray(s, c, r7));
        }
        c0.intoArray(c, r0);
        c1.intoArray(c, r1);
        c2.intoArray(c, r2);
        c3.intoArray(c, r3);
        c4.intoArray(c, r4);
        c5.intoArray(c, r5);
        c6.intoArray(c, r6);
        c7.intoArray(c, r7);
    }

    /** One row of {@link #tileUnpacked}, for the rows of C below the last whole group of eight. */
    static void rowUnpacked(int kc, float[] a, int ai, int acs, float[] b, int bi, int brs, float[] c, int ci, boolean add) {
        var s = SPECIES;
        FloatVector c0 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            c0 = FloatVector.broadcast(s, a[ai + p * acs]).fma(FloatVector.fromArray(s, b, bi + p * brs), c0);
        }
        if (add) c0 = c0.add(FloatVector.fromArray(s, c, ci));
        c0.intoArray(c, ci);
    }
}
