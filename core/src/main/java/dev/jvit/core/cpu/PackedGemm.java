package dev.jvit.core.cpu;

import dev.jvit.core.Parallel;

/**
 * The shipped SGEMM, in the BLIS/GotoBLAS shape (Goto and van de Geijn, "Anatomy of high-performance matrix
 * multiplication"). Five loops around a register-tiled {@link GemmMicroKernel}:
 * <pre>
 *   for jc in n step NC                      B block (KC x NC) lives in L3
 *     for pc in k step KC                      pack B[pc.., jc..] into NR-column panels (shared)
 *       for ic in m step MC   (threads)          pack A[ic.., pc..] into MR-row panels, per thread; lives in L2
 *         for jr in nc step NR                     one packed B panel (KC x NR) lives in L1
 *           for ir in mc step MR                     micro-kernel: MR x NR tile of C in registers
 * </pre>
 * Blocking for Zen 4 (32 KiB L1d, 1 MiB L2 per core, shared L3) with the 4 x 16 AVX2 tile: KC = 512 makes
 * a B panel 32 KiB (L1-sized) and MC = 128 makes the packed A block 256 KiB, a quarter of L2; NC = 4096 makes the
 * shared B block 8 MiB of L3. KC is larger than the textbook "B panel in half of L1" because every KC step
 * costs a pass over C (load, add, store each tile), whose latency Java cannot hide with prefetch
 * instructions: measured single-threaded, best of 30 interleaved runs, KC = 512 beat KC = 256 by 7-10% at
 * n = 512 (87 against 80 GFLOP/s) and at n = 2048; KC = 768 and 1024 were no better. Panels are zero-padded
 * so the micro-kernel never masks; edge tiles are computed into a scratch tile and only their valid part is
 * written back.
 *
 * <p>Threads: the M panels are split across {@link Parallel#forRange}, every thread packing its own A
 * blocks against the one shared packed B. When A is a single short block (m &lt;= MC) and B is wider, the N
 * panels are split instead, each thread packing its own B panels against the shared packed A. Products under
 * about a megaflop run on the calling thread, and a call from inside a worker runs inline (Parallel's rule),
 * so a caller that parallelises over a batch gets one thread per matrix. Packing buffers are per thread and
 * reused, so steady-state calls allocate nothing.
 */
public final class PackedGemm implements Gemm {

    /** Cache-blocking sizes; mc is rounded up to a multiple of MR and nc to a multiple of NR. */
    public record Blocking(int mc, int kc, int nc) {
        public static final Blocking ZEN4 = new Blocking(128, 512, 4096);

        public Blocking {
            if (mc < 1 || kc < 1 || nc < 1) {
                throw new IllegalArgumentException("gemm blocking sizes must be >= 1, got mc=" + mc + " kc=" + kc + " nc=" + nc);
            }
            mc = roundUp(mc, GemmMicroKernel.MR);
            nc = roundUp(nc, GemmMicroKernel.NR);
        }
    }

    private static final int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
    /** Below this many flops a fork-join costs more than it saves (about 10 us of work on one core). */
    private static final long MIN_FLOPS_PER_THREAD = 1L << 20;
    /** Packing fewer floats than this (about 30 us of copying) is not worth a fork-join. */
    private static final long MIN_PARALLEL_PACK = 1L << 16;

    /** Per-thread packing space; grown on demand, never shrunk. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final int mcBlock, kcBlock, ncBlock;

    public PackedGemm() {
        this(Blocking.ZEN4);
    }

    public PackedGemm(Blocking blocking) {
        this.mcBlock = blocking.mc();
        this.kcBlock = blocking.kc();
        this.ncBlock = blocking.nc();
    }

    @Override
    public String name() {
        return "PackedGemm(" + vectorBits() + "-bit, " + MR + "x" + NR + ", mc=" + mcBlock + " kc=" + kcBlock + " nc=" + ncBlock + ")";
    }

    /** Width of the vectors the micro-kernel uses in this JVM. */
    public static int vectorBits() {
        return GemmMicroKernel.SPECIES.vectorBitSize();
    }

    @Override
    public void sgemm(int m, int n, int k,
                      float[] a, int aOff, int aRowStride, int aColStride,
                      float[] b, int bOff, int bRowStride, int bColStride,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        GemmChecks.check(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        int threads = (int) Math.max(1, Math.min(Parallel.threads(), 2L * m * n * k / MIN_FLOPS_PER_THREAD));
        Buffers own = BUFFERS.get();
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcBlock) {
                int kc = Math.min(kcBlock, k - pc);
                boolean add = accumulate || pc > 0;
                int aBase = aOff + pc * aColStride, bBase = bOff + pc * bRowStride + jc * bColStride;
                int cBase = cOff + jc;
                int mPanels = (m + MR - 1) / MR, nPanels = (nc + NR - 1) / NR;
                if (m <= mcBlock && nPanels > mPanels && threads > 1) {
                    splitN(m, nc, kc, a, aBase, aRowStride, aColStride, b, bBase, bRowStride, bColStride,
                            c, cBase, ldc, add, threads, own);
                } else {
                    splitM(m, nc, kc, a, aBase, aRowStride, aColStride, b, bBase, bRowStride, bColStride,
                            c, cBase, ldc, add, threads, own);
                }
            }
        }
    }

    /** Shared packed B block; M panels spread over threads, each packing its own A blocks. */
    private void splitM(int m, int nc, int kc, float[] a, int aBase, int ars, int acs,
                        float[] b, int bBase, int brs, int bcs, float[] c, int cBase, int ldc, boolean add,
                        int threads, Buffers own) {
        int nPanels = (nc + NR - 1) / NR, mPanels = (m + MR - 1) / MR;
        float[] bp = own.b = grow(own.b, nPanels * kc * NR);
        if (threads > 1 && nPanels >= 2 * threads && (long) kc * nc >= MIN_PARALLEL_PACK) {
            Parallel.forRange(nPanels, nPanels / threads,
                    (q0, q1) -> GemmPacking.packB(kc, nc, b, bBase, brs, bcs, bp, q0 * kc * NR, q0, q1));
        } else {
            GemmPacking.packB(kc, nc, b, bBase, brs, bcs, bp, 0, 0, nPanels);
        }
        Parallel.RangeBody rows = (r0, r1) -> {
            Buffers mine = BUFFERS.get();
            int iEnd = Math.min(m, r1 * MR);
            for (int ic = r0 * MR; ic < iEnd; ic += mcBlock) {
                int mc = Math.min(mcBlock, iEnd - ic);
                float[] ap = mine.a = grow(mine.a, roundUp(mc, MR) * kc);
                GemmPacking.packA(mc, kc, a, aBase + ic * ars, ars, acs, ap);
                macroKernel(mc, nc, kc, ap, bp, c, cBase + ic * ldc, ldc, add, mine.tile);
            }
        };
        if (threads > 1) Parallel.forRange(mPanels, Math.max(1, mPanels / threads), rows);
        else rows.run(0, mPanels);
    }

    /** One shared packed A block (m <= MC); N panels spread over threads, each packing its own B panels. */
    private void splitN(int m, int nc, int kc, float[] a, int aBase, int ars, int acs,
                        float[] b, int bBase, int brs, int bcs, float[] c, int cBase, int ldc, boolean add,
                        int threads, Buffers own) {
        int nPanels = (nc + NR - 1) / NR;
        float[] ap = own.a = grow(own.a, roundUp(m, MR) * kc);
        GemmPacking.packA(m, kc, a, aBase, ars, acs, ap);
        Parallel.forRange(nPanels, Math.max(1, nPanels / threads), (q0, q1) -> {
            Buffers mine = BUFFERS.get();
            // a chunk may run on the calling thread (inline, or from a worker): its B buffer is free, A is in own.a
            float[] bp = mine.b = grow(mine.b, (q1 - q0) * kc * NR);
            GemmPacking.packB(kc, nc, b, bBase, brs, bcs, bp, 0, q0, q1);
            int j0 = q0 * NR;
            macroKernel(m, Math.min(nc, q1 * NR) - j0, kc, ap, bp, c, cBase + j0, ldc, add, mine.tile);
        });
    }

    /**
     * C[cBase + i*ldc + j] (+)= A_block * B_block for i &lt; mc, j &lt; nc from packed panels (ap from panel 0,
     * bp from panel 0). B panel outside, A panel inside: one B panel stays in L1 while A streams from L2.
     */
    private static void macroKernel(int mc, int nc, int kc, float[] ap, float[] bp, float[] c, int cBase, int ldc,
                                    boolean add, float[] tile) {
        for (int jr = 0, bi = 0; jr < nc; jr += NR, bi += kc * NR) {
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0, ai = 0; ir < mc; ir += MR, ai += kc * MR) {
                int rows = Math.min(MR, mc - ir), ci = cBase + ir * ldc + jr;
                if (rows == MR && cols == NR) {
                    GemmMicroKernel.tile(kc, ap, ai, bp, bi, c, ci, ldc, add);
                } else {
                    GemmMicroKernel.tile(kc, ap, ai, bp, bi, tile, 0, NR, false);
                    for (int r = 0; r < rows; r++) {
                        int o = ci + r * ldc, t = r * NR;
                        if (add) {
                            for (int j = 0; j < cols; j++) c[o + j] += tile[t + j];
                        } else {
                            System.arraycopy(tile, t, c, o, cols);
                        }
                    }
                }
            }
        }
    }

    private static float[] grow(float[] buf, int size) {
        return buf.length >= size ? buf : new float[size];
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
