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
 * written back, except that a panel whose valid columns are exactly one vector (N = 8 or 24 with AVX2) runs
 * the half-width {@link GemmMicroKernel#tileHalf} straight into C: for the 8-wide layers of mnist-tiny every
 * tile was such an edge, and the scratch round trip cost more than the multiply.
 *
 * <p>Skinny products (a small transformer: N = 16..192, K = 16..192, M in the thousands, or hundreds of
 * 50 x 50 attention heads) change the balance: a packed A element is reused only N / NR times, so packing A
 * cost about as much as the multiply itself (JFR on ViT training: packA 11%, packB 11%, micro-kernel 25% of
 * all samples). For N up to {@link #IN_PLACE_MAX_N} a row-major A is therefore read in place by
 * {@link GemmMicroKernel#tileInPlace} and only B is packed, once per call (it is small, and reused by every
 * row of A); a transposed A is still packed. {@link #sgemmBatch} runs many small matrices with one buffer
 * lookup and packs a B shared by the whole batch once. A weight gradient (small C, k in the thousands) is cut
 * along k ({@link #splitsK}); when C is also narrow (N of one to four vectors) its parts run unpacked.
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

    /**
     * How A reaches the micro-kernel. AUTO, the default, reads a row-major A in place when N is at most
     * {@value #IN_PLACE_MAX_N} and packs it otherwise; ALWAYS packs (the textbook GEMM, kept to compare
     * against); WHEN_STRIDED reads every row-major A in place. A transposed A is packed under all three.
     */
    public enum APacking { AUTO, ALWAYS, WHEN_STRIDED }

    /** Widest N for which AUTO reads A in place (a ViT's Linear layers: N = dim .. 4 dim). */
    public static final int IN_PLACE_MAX_N = 256;

    private static final int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR, VLEN = GemmMicroKernel.VLEN;
    /** Below this many flops a fork-join costs more than it saves (about 10 us of work on one core). */
    private static final long MIN_FLOPS_PER_THREAD = 1L << 20;
    /** What writing one element of C costs, in flops, for {@link #threadsFor}. */
    private static final long FLOPS_PER_C_ELEMENT = 32;
    /** Packing fewer floats than this (about 30 us of copying) is not worth a fork-join. */
    private static final long MIN_PARALLEL_PACK = 1L << 16;
    /** {@link #splitsK}: the largest C (in floats) worth cutting k for, and the most parts k is cut into. */
    private static final int SPLIT_K_MAX_C = 1 << 16, SPLIT_K_MAX_PARTS = 32;
    /** Widest split-K product computed unpacked ({@link #multiplyUnpacked}); wider ones repay their packing. */
    private static final int UNPACKED_MAX_N = 32;

    /** Per-thread packing space; grown on demand, never shrunk. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0], shared = new float[0], partials = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final int mcBlock, kcBlock, ncBlock;
    private final APacking aPacking;

    public PackedGemm() {
        this(Blocking.ZEN4, APacking.AUTO);
    }

    public PackedGemm(Blocking blocking) {
        this(blocking, APacking.AUTO);
    }

    public PackedGemm(Blocking blocking, APacking aPacking) {
        this.mcBlock = blocking.mc();
        this.kcBlock = blocking.kc();
        this.ncBlock = blocking.nc();
        this.aPacking = java.util.Objects.requireNonNull(aPacking, "aPacking");
    }

    @Override
    public String name() {
        return "PackedGemm(" + vectorBits() + "-bit, " + MR + "x" + NR + ", mc=" + mcBlock + " kc=" + kcBlock + " nc=" + ncBlock
                + (aPacking == APacking.AUTO ? "" : ", A " + aPacking.name().toLowerCase(java.util.Locale.ROOT)) + ")";
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
            if (!accumulate) zero(m, n, c, cOff, ldc);
            return;
        }
        if (splitsK(m, n, k)) {
            multiplySplitK(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
            return;
        }
        multiply(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate,
                threadsFor(m, n, k), BUFFERS.get(), null, null, 0);
    }

    /**
     * C = A B + bias with each block of C set to its bias rows just before the micro-kernels add onto it, by the
     * thread that computes it, while the block is in its cache. Filling all of C first (the default) wrote C to
     * memory once more and had the kernels read it back from there: for a Linear of mnist-small (6400 x 192 x 64,
     * 2 threads) the bias cost 480 us on top of the product's 1470. The additions are the default's, so are
     * the bits. A split-K product (k long, C small) still starts from a filled C.
     */
    @Override
    public void sgemmBias(int m, int n, int k,
                          float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int bRowStride, int bColStride,
                          float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        GemmChecks.check(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc);
        GemmChecks.checkBias(bias, biasOff, n);
        if (m == 0 || n == 0) return;
        if (k == 0 || splitsK(m, n, k)) {
            startFromBias(bias, biasOff, n, c, cOff, ldc, m);
            if (k > 0) {
                multiplySplitK(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, true);
            }
            return;
        }
        multiply(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, false,
                threadsFor(m, n, k), BUFFERS.get(), null, bias, biasOff);
    }

    /**
     * The rows x cols block of C at cBase set to bias[bo, bo + cols) row by row. Rows that follow each other in
     * memory (the block spans C's width) are copied by doubling: mnist-tiny's 8-float rows cost about 10 ns per
     * copy whatever its length, so 128 rows take 8 copies instead of 128.
     */
    private static void startFromBias(float[] bias, int bo, int cols, float[] c, int base, int ldc, int rows) {
        if (rows <= 0) return;
        System.arraycopy(bias, bo, c, base, cols);
        if (cols != ldc) {
            for (int r = 1; r < rows; r++) System.arraycopy(bias, bo, c, base + r * ldc, cols);
            return;
        }
        for (int done = 1; done < rows; ) {
            int copy = Math.min(done, rows - done);
            System.arraycopy(c, base, c, base + done * cols, copy * cols);
            done += copy;
        }
    }

    /**
     * Whether to cut k into parts instead of looping over KC blocks: C is small and k long, as in a weight
     * gradient xᵀ · dY summed over thousands of tokens (64 x 192 x 6400). Blocked the usual way, every KC step
     * is a fork-join over the few row panels of C plus a B block packed by the caller alone; cut into parts,
     * the threads take whole parts (packing included) into partial products, added up once at the end. The
     * cut depends only on k, never on the thread count, so results are the same with 1 thread or 16.
     */
    private boolean splitsK(int m, int n, int k) {
        return k >= 2 * kcBlock && (long) m * n <= SPLIT_K_MAX_C;
    }

    /** C (+)= A B for {@link #splitsK} shapes: part 0 lands in C, parts 1.. in partials added in part order. */
    private void multiplySplitK(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs,
                                int bcs, float[] c, int cOff, int ldc, boolean accumulate) {
        int partK = Math.max(kcBlock, roundUp((k + SPLIT_K_MAX_PARTS - 1) / SPLIT_K_MAX_PARTS, kcBlock));
        int parts = (k + partK - 1) / partK, size = m * n;
        boolean unpacked = bcs == 1 && n % VLEN == 0 && n <= UNPACKED_MAX_N;
        Buffers own = BUFFERS.get();
        float[] partials = own.partials = grow(own.partials, (parts - 1) * size);
        Parallel.forRange(parts, 1, (p0, p1) -> {
            Buffers mine = BUFFERS.get(); // the caller's own buffers when this range runs on it: partials is a separate array
            for (int p = p0; p < p1; p++) {
                int k0 = p * partK, kp = Math.min(partK, k - k0);
                int ai = aOff + k0 * acs, bi = bOff + k0 * brs;
                float[] out = p == 0 ? c : partials;
                int outOff = p == 0 ? cOff : (p - 1) * size, outLd = p == 0 ? ldc : n;
                boolean add = p == 0 && accumulate;
                if (unpacked) {
                    multiplyUnpacked(m, n, kp, a, ai, ars, acs, b, bi, brs, out, outOff, outLd, add);
                } else {
                    multiply(m, n, kp, a, ai, ars, acs, b, bi, brs, bcs, out, outOff, outLd, add, 1, mine, null, null, 0);
                }
            }
        });
        for (int p = 1; p < parts; p++) {
            int base = (p - 1) * size;
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc, pi = base + i * n;
                for (int j = 0; j < n; j++) c[ci + j] += partials[pi + j];
            }
        }
    }

    /**
     * C (+)= A B with nothing packed ({@link GemmMicroKernel#tileUnpacked}): n a multiple of the vector length,
     * B's rows unit-stride. For the parts of a narrow weight gradient, where C is a few vectors wide and
     * packing each 512-row part of A and B cost ten times its multiply-adds.
     */
    private static void multiplyUnpacked(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                         int brs, float[] c, int cOff, int ldc, boolean add) {
        int rows = GemmMicroKernel.UNPACKED_ROWS, whole = m / rows * rows;
        for (int j = 0; j < n; j += VLEN) {
            for (int i = 0; i < whole; i += rows) {
                GemmMicroKernel.tileUnpacked(k, a, aOff + i * ars, ars, acs, b, bOff + j, brs, c, cOff + i * ldc + j, ldc, add);
            }
            for (int i = whole; i < m; i++) {
                GemmMicroKernel.rowUnpacked(k, a, aOff + i * ars, acs, b, bOff + j, brs, c, cOff + i * ldc + j, add);
            }
        }
    }

    /**
     * The batch runs on the calling thread, one matrix after another (a caller splits a big batch over threads
     * by calling this on slices, as {@link CpuBackend#matmul} does); a matrix big enough to be worth it is
     * still split over threads inside. What a batch saves over separate calls: the buffer lookup, and when
     * every matrix has the same B (a weight broadcast over a batch that does not fold into one tall product)
     * and B is a single cache block, packing that B again for every matrix.
     */
    @Override
    public void sgemmBatch(int count, int m, int n, int k,
                           float[] a, int[] aOffs, int aRowStride, int aColStride,
                           float[] b, int[] bOffs, int bRowStride, int bColStride,
                           float[] c, int[] cOffs, int ldc, boolean accumulate) {
        GemmChecks.checkBatch(count, aOffs, bOffs, cOffs);
        for (int i = 0; i < count; i++) {
            GemmChecks.check(m, n, k, a, aOffs[i], aRowStride, aColStride, b, bOffs[i], bRowStride, bColStride,
                    c, cOffs[i], ldc);
        }
        if (count == 0 || m == 0 || n == 0) return;
        if (count == 1) { // a plain matmul of two matrices comes this way: give it sgemm's split-K and thread choice
            sgemm(m, n, k, a, aOffs[0], aRowStride, aColStride, b, bOffs[0], bRowStride, bColStride, c, cOffs[0], ldc,
                    accumulate);
            return;
        }
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < count; i++) zero(m, n, c, cOffs[i], ldc);
            return;
        }
        Buffers own = BUFFERS.get();
        int threads = threadsFor(m, n, k);
        float[] sharedB = null;
        if (count > 1 && k <= kcBlock && n <= ncBlock && allEqual(bOffs, count)) {
            int nPanels = (n + NR - 1) / NR;
            sharedB = own.shared = grow(own.shared, nPanels * k * NR);
            GemmPacking.packB(k, n, b, bOffs[0], bRowStride, bColStride, sharedB, 0, 0, nPanels);
        }
        for (int i = 0; i < count; i++) {
            multiply(m, n, k, a, aOffs[i], aRowStride, aColStride, b, bOffs[i], bRowStride, bColStride, c, cOffs[i], ldc,
                    accumulate, threads, own, sharedB, null, 0);
        }
    }

    /**
     * The five loops, for checked, non-empty arguments. packedB, when not null, is all of B already packed
     * (k &lt;= KC and n &lt;= NC, so it is the one B block). bias, when not null, is the row C starts from
     * (bias[biasOff + j] for column j; accumulate is then false): each block is set to it before its first KC
     * step.
     */
    private void multiply(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                          float[] c, int cOff, int ldc, boolean accumulate, int threads, Buffers own, float[] packedB,
                          float[] bias, int biasOff) {
        boolean aInPlace = readsAInPlace(n, acs);
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcBlock) {
                int kc = Math.min(kcBlock, k - pc);
                float[] start = pc == 0 ? bias : null; // the first KC step starts each block from the bias
                boolean add = accumulate || pc > 0 || bias != null;
                int aBase = aOff + pc * acs, bBase = bOff + pc * brs + jc * bcs;
                int cBase = cOff + jc;
                int mPanels = (m + MR - 1) / MR, nPanels = (nc + NR - 1) / NR;
                if (packedB == null && m <= mcBlock && nPanels > mPanels && threads > 1) {
                    splitN(m, nc, kc, a, aBase, ars, acs, b, bBase, brs, bcs, c, cBase, ldc, add, start, biasOff + jc,
                            threads, own);
                } else {
                    float[] bp = packedB != null ? packedB : packB(nc, kc, b, bBase, brs, bcs, threads, own);
                    splitM(m, nc, kc, a, aBase, ars, acs, aInPlace, bp, c, cBase, ldc, add, start, biasOff + jc, threads, own);
                }
            }
        }
    }

    /**
     * Whether the micro-kernel reads A where it lies instead of packing it. Packing A copies every element once
     * per KC block and the copy is reused by nc / NR panels, so it pays for a wide B; for the skinny products of
     * a small transformer (N = 16..192) it cost as much as a third of the multiply. Reading in place needs
     * unit column stride (a row-major A; a transposed one is packed). For wide products A stays packed: a
     * block of 128 rows read in place from a matrix with rows thousands of floats apart strains L1 and the TLB,
     * where the packed block is one sequential stream.
     */
    private boolean readsAInPlace(int n, int acs) {
        if (acs != 1) return false;
        return switch (aPacking) {
            case AUTO -> n <= IN_PLACE_MAX_N;
            case ALWAYS -> false;
            case WHEN_STRIDED -> true;
        };
    }

    /** Packs the kc x nc block of B, over threads when it is big enough to repay a fork-join. */
    private static float[] packB(int nc, int kc, float[] b, int bBase, int brs, int bcs, int threads, Buffers own) {
        int nPanels = (nc + NR - 1) / NR;
        float[] bp = own.b = grow(own.b, nPanels * kc * NR);
        if (threads > 1 && nPanels >= 2 * threads && (long) kc * nc >= MIN_PARALLEL_PACK) {
            Parallel.forRange(nPanels, nPanels / threads,
                    (q0, q1) -> GemmPacking.packB(kc, nc, b, bBase, brs, bcs, bp, q0 * kc * NR, q0, q1));
        } else {
            GemmPacking.packB(kc, nc, b, bBase, brs, bcs, bp, 0, 0, nPanels);
        }
        return bp;
    }

    /** One shared packed B block; M panels spread over threads. start: see {@link #rowBlocks}. */
    private void splitM(int m, int nc, int kc, float[] a, int aBase, int ars, int acs, boolean aInPlace, float[] bp,
                        float[] c, int cBase, int ldc, boolean add, float[] start, int startOff, int threads, Buffers own) {
        int mPanels = (m + MR - 1) / MR;
        if (threads > 1) {
            Parallel.forRange(mPanels, Math.max(1, mPanels / threads), (r0, r1) -> rowBlocks(r0 * MR, Math.min(m, r1 * MR),
                    nc, kc, a, aBase, ars, acs, aInPlace, bp, c, cBase, ldc, add, start, startOff, BUFFERS.get()));
        } else {
            rowBlocks(0, m, nc, kc, a, aBase, ars, acs, aInPlace, bp, c, cBase, ldc, add, start, startOff, own);
        }
    }

    /**
     * Rows [i0, i1) of C against the packed B block, MC rows at a time. A is packed per MC block, or read in
     * place with only a last partial row panel packed (so the in-place kernel never reads past A's last row).
     * When start is not null each block of C is first set to start[startOff, startOff + nc) row by row (the
     * bias of {@link #sgemmBias}). Uses mine.a and mine.tile; the packed B may live in mine.b.
     */
    private void rowBlocks(int i0, int i1, int nc, int kc, float[] a, int aBase, int ars, int acs, boolean aInPlace,
                           float[] bp, float[] c, int cBase, int ldc, boolean add, float[] start, int startOff, Buffers mine) {
        for (int ic = i0; ic < i1; ic += mcBlock) {
            int mc = Math.min(mcBlock, i1 - ic);
            int aBlock = aBase + ic * ars, cBlock = cBase + ic * ldc;
            if (start != null) startFromBias(start, startOff, nc, c, cBlock, ldc, mc);
            if (aInPlace) {
                int full = mc / MR * MR;
                macroKernelInPlace(full, nc, kc, a, aBlock, ars, bp, c, cBlock, ldc, add, mine.tile);
                if (full < mc) {
                    float[] ap = mine.a = grow(mine.a, MR * kc);
                    GemmPacking.packA(mc - full, kc, a, aBlock + full * ars, ars, acs, ap);
                    macroKernel(mc - full, nc, kc, ap, bp, c, cBlock + full * ldc, ldc, add, mine.tile);
                }
            } else {
                float[] ap = mine.a = grow(mine.a, roundUp(mc, MR) * kc);
                GemmPacking.packA(mc, kc, a, aBlock, ars, acs, ap);
                macroKernel(mc, nc, kc, ap, bp, c, cBlock, ldc, add, mine.tile);
            }
        }
    }

    /**
     * One shared packed A block (m <= MC); N panels spread over threads, each packing its own B panels (and
     * setting its columns of C to start first, when not null).
     */
    private void splitN(int m, int nc, int kc, float[] a, int aBase, int ars, int acs,
                        float[] b, int bBase, int brs, int bcs, float[] c, int cBase, int ldc, boolean add,
                        float[] start, int startOff, int threads, Buffers own) {
        int nPanels = (nc + NR - 1) / NR;
        float[] ap = own.a = grow(own.a, roundUp(m, MR) * kc);
        GemmPacking.packA(m, kc, a, aBase, ars, acs, ap);
        Parallel.forRange(nPanels, Math.max(1, nPanels / threads), (q0, q1) -> {
            Buffers mine = BUFFERS.get();
            // a chunk may run on the calling thread (inline, or from a worker): its B buffer is free, A is in own.a
            float[] bp = mine.b = grow(mine.b, (q1 - q0) * kc * NR);
            GemmPacking.packB(kc, nc, b, bBase, brs, bcs, bp, 0, q0, q1);
            int j0 = q0 * NR, cols = Math.min(nc, q1 * NR) - j0;
            if (start != null) startFromBias(start, startOff + j0, cols, c, cBase + j0, ldc, m);
            macroKernel(m, cols, kc, ap, bp, c, cBase + j0, ldc, add, mine.tile);
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
                } else if (rows == MR && cols == VLEN) {
                    GemmMicroKernel.tileHalf(kc, ap, ai, bp, bi, c, ci, ldc, add);
                } else if (cols < VLEN) {
                    GemmMicroKernel.tileHalf(kc, ap, ai, bp, bi, tile, 0, NR, false);
                    writeBack(tile, rows, cols, c, ci, ldc, add);
                } else {
                    GemmMicroKernel.tile(kc, ap, ai, bp, bi, tile, 0, NR, false);
                    writeBack(tile, rows, cols, c, ci, ldc, add);
                }
            }
        }
    }

    /**
     * {@link #macroKernel} with A read in place: rows [0, mc) of a row-major A (a[aBase + i*lda + p]), mc a
     * multiple of MR.
     */
    private static void macroKernelInPlace(int mc, int nc, int kc, float[] a, int aBase, int lda, float[] bp,
                                           float[] c, int cBase, int ldc, boolean add, float[] tile) {
        for (int jr = 0, bi = 0; jr < nc; jr += NR, bi += kc * NR) {
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int ai = aBase + ir * lda, ci = cBase + ir * ldc + jr;
                if (cols == NR) {
                    GemmMicroKernel.tileInPlace(kc, a, ai, lda, bp, bi, c, ci, ldc, add);
                } else if (cols == VLEN) {
                    GemmMicroKernel.tileHalfInPlace(kc, a, ai, lda, bp, bi, c, ci, ldc, add);
                } else if (cols < VLEN) {
                    GemmMicroKernel.tileHalfInPlace(kc, a, ai, lda, bp, bi, tile, 0, NR, false);
                    writeBack(tile, MR, cols, c, ci, ldc, add);
                } else {
                    GemmMicroKernel.tileInPlace(kc, a, ai, lda, bp, bi, tile, 0, NR, false);
                    writeBack(tile, MR, cols, c, ci, ldc, add);
                }
            }
        }
    }

    /** Writes (or adds) the valid rows x cols corner of an edge tile computed into scratch. */
    private static void writeBack(float[] tile, int rows, int cols, float[] c, int ci, int ldc, boolean add) {
        for (int r = 0; r < rows; r++) {
            int o = ci + r * ldc, t = r * NR;
            if (add) {
                for (int j = 0; j < cols; j++) c[o + j] += tile[t + j];
            } else {
                System.arraycopy(tile, t, c, o, cols);
            }
        }
    }

    /**
     * Threads worth using for one m x n x k product: about a megaflop each, at most the pool's size. Every
     * element of C also counts as {@value #FLOPS_PER_C_ELEMENT} flops, because a skinny product is bound by
     * writing C, not by its multiply-adds: mnist-tiny's 6400 x 8 x 8 layer (0.8 Mflop, so one thread by flops
     * alone) took 48-50 us on one thread, about five times what its flops would.
     */
    private static int threadsFor(int m, int n, int k) {
        long work = 2L * m * n * k + FLOPS_PER_C_ELEMENT * m * n;
        return (int) Math.max(1, Math.min(Parallel.threads(), work / MIN_FLOPS_PER_THREAD));
    }

    private static void zero(int m, int n, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
    }

    private static boolean allEqual(int[] x, int count) {
        for (int i = 1; i < count; i++) if (x[i] != x[0]) return false;
        return true;
    }

    private static float[] grow(float[] buf, int size) {
        return buf.length >= size ? buf : new float[size];
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
