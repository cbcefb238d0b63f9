package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.Conv2dGeometry;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CPU backend: the layout layer over host arrays. It turns strided, broadcast views into runs
 * ({@link StridedLoops}), hands each run to a {@link CpuKernels} row kernel and each matrix to a {@link Gemm},
 * and splits big work across threads. Which kernels run is a constructor argument: {@link #scalar()} (the
 * plain-loop reference), {@link #simd()} (Vector API) or {@link #fromSystemProperties()}
 * ({@code -Djvit.cpu.kernels=scalar|simd}, default simd). Reductions, indexing, the fused ops, optimizer
 * updates and im2col live in {@link CpuReductions}, {@link CpuIndexing}, {@link CpuFused}, {@link CpuOptimizer}
 * and {@link CpuConv}.
 */
public final class CpuBackend implements Backend {
    private static final AtomicBoolean FALLBACK_REPORTED = new AtomicBoolean();
    /** Per-thread scratch for kernels whose output run is strided (kernels write contiguous runs only). */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private final String label;
    private final CpuKernels kernels;
    private final Gemm gemm;
    private final CpuReductions reductions;
    private final CpuIndexing indexing;
    private final CpuFused fused;
    private final CpuAttention attention;
    private final CpuOptimizer optimizer;
    private final CpuConv conv;

    public CpuBackend(CpuKernels kernels, Gemm gemm) {
        this(kernels.name() + ", " + gemm.name(), kernels, gemm);
    }

    private CpuBackend(String label, CpuKernels kernels, Gemm gemm) {
        this.label = label;
        this.kernels = kernels;
        this.gemm = gemm;
        this.reductions = new CpuReductions(this, kernels);
        this.indexing = new CpuIndexing(this, kernels);
        this.fused = new CpuFused(this, kernels);
        this.attention = new CpuAttention(this, kernels);
        this.optimizer = new CpuOptimizer(this, kernels);
        this.conv = new CpuConv(this);
    }

    /** The plain-loop reference kernels and the reference triple-loop GEMM. */
    public static CpuBackend scalar() {
        return new CpuBackend("scalar", new ScalarKernels(), new ScalarGemm());
    }

    /**
     * The Vector API kernels and the packed GEMM; the scalar ones (said once on stderr) when the JVM was
     * started without {@code --add-modules jdk.incubator.vector}.
     */
    public static CpuBackend simd() {
        // checked before any class that names the Vector API is loaded: loading one without the module fails
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            if (FALLBACK_REPORTED.compareAndSet(false, true)) {
                System.err.println("jvit: module jdk.incubator.vector is not present (start java with "
                        + "--add-modules jdk.incubator.vector); using the scalar CPU kernels");
            }
            return scalar();
        }
        return SimdFactory.create();
    }

    /** Reads {@code -Djvit.cpu.kernels=scalar|simd} (default simd). */
    public static CpuBackend fromSystemProperties() {
        String choice = System.getProperty("jvit.cpu.kernels", "simd").trim().toLowerCase(java.util.Locale.ROOT);
        return switch (choice) {
            case "simd", "" -> simd();
            case "scalar" -> scalar();
            default -> throw new IllegalArgumentException(
                    "jvit.cpu.kernels must be 'scalar' or 'simd', got '" + choice + "'");
        };
    }

    /** Kept apart so that {@link SimdKernels} and {@link PackedGemm} load only after the module check. */
    private static final class SimdFactory {
        static CpuBackend create() {
            return new CpuBackend("simd", new SimdKernels(), new PackedGemm());
        }
    }

    @Override
    public String name() {
        return "cpu (" + label + ")";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public NDArray empty(DType dtype, int[] shape) {
        long n = Shape.numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " has " + n
                    + " elements, more than a Java array can hold");
        }
        return NDArray.wrap(CpuStorage.allocate(dtype, (int) n), shape);
    }

    @Override
    public NDArray fromHost(float[] data, int[] shape) {
        return NDArray.wrap(CpuStorage.of(data), shape);
    }

    @Override
    public NDArray fromHost(int[] data, int[] shape) {
        return NDArray.wrap(CpuStorage.of(data), shape);
    }

    @Override
    public float[] toHostFloats(NDArray x) {
        requireDType(x, DType.FLOAT32, "toHostFloats");
        return floats(contiguousCopyIfNeeded(x, true));
    }

    @Override
    public int[] toHostInts(NDArray x) {
        requireDType(x, DType.INT32, "toHostInts");
        return ints(contiguousCopyIfNeeded(x, true));
    }

    /**
     * x when it is contiguous and fills its storage exactly from offset 0 (then its backing array can be
     * used as is), else a fresh contiguous copy. With {@code alwaysCopy} the caller gets a private array.
     */
    private NDArray contiguousCopyIfNeeded(NDArray x, boolean alwaysCopy) {
        if (!alwaysCopy && x.isContiguous() && x.offset() == 0 && x.storage().length() == x.numel()) return x;
        NDArray out = empty(x.dtype(), x.shape());
        copyInto(x, out);
        return out;
    }

    /** x's elements in row-major order as a plain array of exactly numel floats (shared when possible). */
    float[] denseFloats(NDArray x) {
        return floats(contiguousCopyIfNeeded(x, false));
    }

    @Override
    public void fill(NDArray dst, float value) {
        StridedLoops.Plan p = StridedLoops.plan(dst.shape(), dst);
        int s = p.innerStride(0);
        if (dst.dtype() == DType.FLOAT32) {
            float[] d = floats(dst);
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                if (s == 1) Arrays.fill(d, off[0], off[0] + n, value);
                else for (int i = 0; i < n; i++) d[off[0] + i * s] = value;
            });
        } else {
            int[] d = ints(dst);
            int v = (int) value;
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                if (s == 1) Arrays.fill(d, off[0], off[0] + n, v);
                else for (int i = 0; i < n; i++) d[off[0] + i * s] = v;
            });
        }
    }

    /** Runs up to this long are copied by {@link #copyShortRuns}. */
    private static final int SHORT_RUN = 16;

    /**
     * Runs [from, to) of a float copy whose runs are short (patchify's rows of 4 pixels: 25,000 runs for a
     * batch of 128 MNIST images), walked with one odometer and copied by a plain loop. Through forEachRun every
     * run was a call of the body and of System.arraycopy, about 14 ns per 4-float run.
     */
    private static void copyShortRuns(StridedLoops.Plan p, float[] s, float[] d, int from, int to) {
        int ds = p.innerStride(0), ss = p.innerStride(1), n = p.n, outer = p.rank - 2;
        int size = p.shape[outer], dStep = p.strides[0][outer], sStep = p.strides[1][outer];
        int[] idx = new int[p.rank], off = new int[2];
        p.rowIndex(from, idx);
        p.rowOffsets(from, off);
        for (int row = from; row < to; ) {
            // the runs along the next-to-last dimension are a fixed step apart: one odometer move per sweep
            int count = Math.min(size - idx[outer], to - row);
            int o = off[0], i0 = off[1];
            if (ds == 1 && ss == 1) {
                // four floats per step, written out: a plain loop of 4 copies (a trip count C2 does not know)
                // cost about 9 ns a run. Scalar code: this class must load without the Vector API module.
                for (int r = 0; r < count; r++, o += dStep, i0 += sStep) {
                    int i = 0;
                    for (; i + 4 <= n; i += 4) {
                        d[o + i] = s[i0 + i];
                        d[o + i + 1] = s[i0 + i + 1];
                        d[o + i + 2] = s[i0 + i + 2];
                        d[o + i + 3] = s[i0 + i + 3];
                    }
                    for (; i < n; i++) d[o + i] = s[i0 + i];
                }
            } else {
                for (int r = 0; r < count; r++, o += dStep, i0 += sStep) {
                    for (int i = 0; i < n; i++) d[o + i * ds] = s[i0 + i * ss];
                }
            }
            row += count;
            if (row < to) {
                idx[outer] += count - 1; // on the sweep's last run, so nextRow carries into the dimensions above
                off[0] += (count - 1) * dStep;
                off[1] += (count - 1) * sStep;
                p.nextRow(idx, off);
            }
        }
    }

    @Override
    public void copyInto(NDArray src, NDArray dst) {
        StridedLoops.Plan p = StridedLoops.plan(dst.shape(), dst, src);
        int ds = p.innerStride(0), ss = p.innerStride(1);
        boolean srcFloat = src.dtype() == DType.FLOAT32, dstFloat = dst.dtype() == DType.FLOAT32;
        if (srcFloat && dstFloat) {
            float[] s = floats(src), d = floats(dst);
            if (p.rank > 1 && p.n <= SHORT_RUN) {
                StridedLoops.forRange(p.rows, p.n, (from, to) -> copyShortRuns(p, s, d, from, to));
                return;
            }
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                if (ds == 1 && ss == 1) System.arraycopy(s, off[1], d, off[0], n);
                else for (int i = 0; i < n; i++) d[off[0] + i * ds] = s[off[1] + i * ss];
            });
        } else if (!srcFloat && !dstFloat) {
            int[] s = ints(src), d = ints(dst);
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                if (ds == 1 && ss == 1) System.arraycopy(s, off[1], d, off[0], n);
                else for (int i = 0; i < n; i++) d[off[0] + i * ds] = s[off[1] + i * ss];
            });
        } else if (srcFloat) {
            float[] s = floats(src);
            int[] d = ints(dst);
            // (int) truncates toward zero, as torch's float-to-int conversion does
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                for (int i = 0; i < n; i++) d[off[0] + i * ds] = (int) s[off[1] + i * ss];
            });
        } else {
            int[] s = ints(src);
            float[] d = floats(dst);
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                for (int i = 0; i < n; i++) d[off[0] + i * ds] = s[off[1] + i * ss];
            });
        }
    }

    // ---- elementwise ------------------------------------------------------------------------------

    /** A row kernel writing n contiguous results at out[outOff...]; off[k] are the input offsets. */
    @FunctionalInterface
    private interface FloatRow {
        void run(float[] out, int outOff, int[] off, int n);
    }

    /**
     * Walks a plan whose operand 0 is the float output. Kernels write contiguous runs, so when the output's
     * run is strided (a sliced or transposed destination that could not be reordered away), the kernel
     * writes to a scratch row that is then scattered.
     */
    private static void floatRows(StridedLoops.Plan p, float[] out, FloatRow row) {
        int os = p.innerStride(0);
        if (os == 1) {
            StridedLoops.forEachRun(p, 1, (off, n) -> row.run(out, off[0], off, n));
            return;
        }
        StridedLoops.forEachRun(p, 1, (off, n) -> {
            float[] tmp = SCRATCH.get();
            if (tmp.length < n) {
                tmp = new float[n];
                SCRATCH.set(tmp);
            }
            row.run(tmp, 0, off, n);
            for (int i = 0; i < n; i++) out[off[0] + i * os] = tmp[i];
        });
    }

    @Override
    public void unaryInto(UnaryOp op, NDArray x, NDArray out) {
        StridedLoops.Plan p = StridedLoops.plan(out.shape(), out, x);
        float[] xs = floats(x);
        int s = p.innerStride(1);
        floatRows(p, floats(out), (o, oOff, off, n) -> kernels.unary(op, xs, off[1], s, o, oOff, n));
    }

    @Override
    public void powScalarInto(NDArray x, float exponent, NDArray out) {
        StridedLoops.Plan p = StridedLoops.plan(out.shape(), out, x);
        float[] xs = floats(x);
        int s = p.innerStride(1);
        floatRows(p, floats(out), (o, oOff, off, n) -> kernels.powScalar(xs, off[1], s, exponent, o, oOff, n));
    }

    @Override
    public void binaryInto(BinaryOp op, NDArray a, NDArray b, NDArray out) {
        StridedLoops.Plan p = StridedLoops.plan(out.shape(), out, a, b);
        float[] as = floats(a), bs = floats(b);
        int sa = p.innerStride(1), sb = p.innerStride(2);
        floatRows(p, floats(out), (o, oOff, off, n) -> kernels.binary(op, as, off[1], sa, bs, off[2], sb, o, oOff, n));
    }

    @Override
    public void whereInto(NDArray cond, NDArray a, NDArray b, NDArray out) {
        StridedLoops.Plan p = StridedLoops.plan(out.shape(), out, cond, a, b);
        float[] o = floats(out), as = floats(a), bs = floats(b);
        int so = p.innerStride(0), sc = p.innerStride(1), sa = p.innerStride(2), sb = p.innerStride(3);
        if (cond.dtype() == DType.FLOAT32) {
            float[] c = floats(cond);
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                for (int i = 0; i < n; i++) {
                    o[off[0] + i * so] = c[off[1] + i * sc] != 0f ? as[off[2] + i * sa] : bs[off[3] + i * sb];
                }
            });
        } else {
            int[] c = ints(cond);
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                for (int i = 0; i < n; i++) {
                    o[off[0] + i * so] = c[off[1] + i * sc] != 0 ? as[off[2] + i * sa] : bs[off[3] + i * sb];
                }
            });
        }
    }

    // ---- reductions -------------------------------------------------------------------------------

    @Override
    public NDArray reduce(ReduceOp op, NDArray x, int[] dims, boolean keepDim) {
        return reductions.reduce(op, x, dims, keepDim);
    }

    @Override
    public NDArray variance(NDArray x, int[] dims, int correction, boolean keepDim) {
        return reductions.variance(x, dims, correction, keepDim);
    }

    @Override
    public NDArray argmax(NDArray x, int dim, boolean keepDim) {
        return reductions.argmax(x, dim, keepDim);
    }

    // ---- linear algebra ---------------------------------------------------------------------------

    /** Below this many multiply-adds per matrix, a batch of matrices is split across threads by matrix. */
    private static final long SMALL_GEMM = 256L * 256 * 256;

    @Override
    public NDArray matmul(NDArray a, NDArray b) {
        int ra = a.rank(), rb = b.rank();
        int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        int[] batch = Shape.broadcast(Arrays.copyOf(a.shape(), ra - 2), Arrays.copyOf(b.shape(), rb - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        NDArray out = empty(DType.FLOAT32, outShape);
        if (out.numel() == 0) return out;
        if (k == 0) {
            fill(out, 0f);
            return out;
        }
        a = readableMatrix(a);
        b = readableMatrix(b);
        float[] as = floats(a), bs = floats(b), cs = floats(out);
        int aRow = a.stride(-2), aCol = a.stride(-1), bRow = b.stride(-2), bCol = b.stride(-1);

        // b shared by every batch (a Linear layer on (B, N, C)): when a's batch and row dims fold into one
        // strided dimension, the whole batch is one tall GEMM, which blocks and threads far better
        int[] aStr = StridedLoops.broadcastStrides(a, withMatrix(batch, m, k));
        int[] bStr = StridedLoops.broadcastStrides(b, withMatrix(batch, k, n));
        int batchCount = (int) Shape.numel(batch);
        if (batchCount > 1 && allZero(bStr, batch.length)) {
            int[] foldShape = Arrays.copyOf(outShape, batch.length + 1);
            int[] foldStr = Arrays.copyOf(aStr, batch.length + 1);
            StridedLoops.Plan fold = new StridedLoops.Plan(foldShape, new int[][] {foldStr}, new int[] {a.offset()}, false);
            if (fold.rank == 1) {
                gemm.sgemm(batchCount * m, n, k, as, a.offset(), fold.innerStride(0), aCol,
                        bs, b.offset(), bRow, bCol, cs, 0, n, false);
                return out;
            }
        }
        int[] cStr = Shape.contiguousStrides(outShape);
        StridedLoops.Plan p = new StridedLoops.Plan(batch,
                new int[][] {Arrays.copyOf(cStr, batch.length), Arrays.copyOf(aStr, batch.length),
                        Arrays.copyOf(bStr, batch.length)},
                new int[] {0, a.offset(), b.offset()}, false);
        long perMatrix = (long) m * n * k;
        int[] cOffs = new int[batchCount], aOffs = new int[batchCount], bOffs = new int[batchCount];
        int[] off = new int[3];
        for (int i = 0; i < batchCount; i++) {
            p.elementOffsets(i, off);
            cOffs[i] = off[0];
            aOffs[i] = off[1];
            bOffs[i] = off[2];
        }
        // many small matrices (attention heads): each thread takes a contiguous slice of the batch and runs it
        // as one batch call (the gemm inside runs inline: Parallel does not nest); a few big matrices are
        // better split inside the gemm. Each matrix is computed whole by one thread either way, so the result
        // does not depend on the thread count.
        boolean batchParallel = batchCount > 1 && perMatrix <= SMALL_GEMM
                && (batchCount >= Parallel.threads() || perMatrix <= 64L * 64 * 64);
        if (batchParallel) {
            StridedLoops.forRange(batchCount, perMatrix, (from, to) -> gemm.sgemmBatch(to - from, m, n, k,
                    as, slice(aOffs, from, to), aRow, aCol, bs, slice(bOffs, from, to), bRow, bCol,
                    cs, slice(cOffs, from, to), n, false));
        } else {
            gemm.sgemmBatch(batchCount, m, n, k, as, aOffs, aRow, aCol, bs, bOffs, bRow, bCol, cs, cOffs, n, false);
        }
        return out;
    }

    /** offs[from, to), without a copy when that is all of it (the single-thread case). */
    private static int[] slice(int[] offs, int from, int to) {
        return from == 0 && to == offs.length ? offs : Arrays.copyOfRange(offs, from, to);
    }

    private static int[] withMatrix(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    private static boolean allZero(int[] strides, int count) {
        for (int i = 0; i < count; i++) if (strides[i] != 0) return false;
        return true;
    }

    /**
     * The GEMM reads any (row, col) strides, but one of them should be 1 for its packing to stream: a
     * transposed view qualifies and is read in place; a matrix strided in both directions (a stepped slice)
     * is copied first.
     */
    @Override
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (x.rank() != 2 || weight.rank() != 2 || x.size(1) != weight.size(1)
                || (bias != null && (bias.rank() != 1 || bias.size(0) != weight.size(0)))) {
            throw new IllegalArgumentException("linear needs x (M, K), weight (N, K), bias (N): got x " + Shape.str(x.shape())
                    + ", weight " + Shape.str(weight.shape()) + ", bias " + (bias == null ? "none" : Shape.str(bias.shape())));
        }
        int m = x.size(0), k = x.size(1), n = weight.size(0);
        NDArray out = empty(DType.FLOAT32, new int[] {m, n});
        if (out.numel() == 0) return out;
        float[] cs = floats(out);
        if (k == 0 && bias == null) {
            fill(out, 0f);
            return out;
        }
        NDArray a = readableMatrix(x), w = readableMatrix(weight);
        // weightᵀ is (K, N): row stride = the weight's column stride and vice versa
        if (bias != null) {
            // the GEMM starts C's blocks from the bias rows: no pass over y of its own to add them
            NDArray bc = bias.contiguous();
            gemm.sgemmBias(m, n, k, floats(a), a.offset(), a.stride(0), a.stride(1),
                    floats(w), w.offset(), w.stride(1), w.stride(0), floats(bc), bc.offset(), cs, 0, n);
        } else {
            gemm.sgemm(m, n, k, floats(a), a.offset(), a.stride(0), a.stride(1),
                    floats(w), w.offset(), w.stride(1), w.stride(0), cs, 0, n, false);
        }
        return out;
    }

    private NDArray readableMatrix(NDArray x) {
        boolean rowsOk = x.stride(-2) == 1 || x.size(-2) == 1;
        boolean colsOk = x.stride(-1) == 1 || x.size(-1) == 1;
        return rowsOk || colsOk ? x : x.contiguous();
    }

    // ---- movement and indexing --------------------------------------------------------------------

    @Override
    public NDArray concat(NDArray[] xs, int dim) {
        return indexing.concat(xs, dim);
    }

    @Override
    public NDArray indexSelect(NDArray x, int dim, NDArray index) {
        return indexing.indexSelect(x, dim, index);
    }

    @Override
    public void indexAddInto(NDArray dst, int dim, NDArray index, NDArray src) {
        indexing.indexAddInto(dst, dim, index, src);
    }

    @Override
    public NDArray gather(NDArray x, int dim, NDArray index) {
        return indexing.gather(x, dim, index);
    }

    @Override
    public void scatterAddInto(NDArray dst, int dim, NDArray index, NDArray src) {
        indexing.scatterAddInto(dst, dim, index, src);
    }

    // ---- convolution as GEMM ---------------------------------------------------------------------

    @Override
    public NDArray im2col(NDArray x, Conv2dGeometry geometry) {
        return conv.im2col(x, geometry);
    }

    @Override
    public NDArray col2im(NDArray cols, int channels, int height, int width, Conv2dGeometry geometry) {
        return conv.col2im(cols, channels, height, width, geometry);
    }

    // ---- random -----------------------------------------------------------------------------------

    @Override
    public void uniform(NDArray dst, float low, float high, Generator g) {
        float range = high - low;
        long key = g.nextLong();
        fillCounterBased(dst, i -> low + range * Generator.uniformAt(key, i));
    }

    /**
     * Each element hashes its own index with the draw's key into 24 bits (a 32-bit hash, so the SIMD kernel
     * computes a vector of them per pass: the hash is most of dropout's cost, and a ViT drops after nearly
     * every layer). Element i drops when its bits are below ceil(p·2^24); like every fill here, the mask
     * depends on the seed, never on the thread count or the kernels.
     */
    @Override
    public void dropoutMask(NDArray dst, float p, Generator g) {
        requireDType(dst, DType.FLOAT32, "dropout mask");
        NDArray target = dst.isContiguous() ? dst : empty(DType.FLOAT32, dst.shape());
        fill(target, 1f);
        float[] d = floats(target);
        dropInto(d, target.offset(), d, target.offset(), (int) target.numel(), new DropoutDraw(p, g.nextLong()));
        if (target != dst) copyInto(target, dst);
    }

    /** The mask of {@link #dropoutMask} applied as it is drawn: one pass, and no mask array. */
    @Override
    public NDArray dropout(NDArray x, float p, long seed) {
        requireDType(x, DType.FLOAT32, "dropout");
        NDArray xc = x.contiguous();
        NDArray out = empty(DType.FLOAT32, x.shape());
        dropInto(floats(xc), xc.offset(), floats(out), 0, (int) out.numel(), DropoutDraw.of(p, seed));
        return out;
    }

    private void dropInto(float[] x, int xOff, float[] out, int outOff, int n, DropoutDraw d) {
        Parallel.forRange(n, 1 << 14, (from, to) -> d.apply(kernels, x, xOff, out, outOff, from, to));
    }

    @Override
    public void normal(NDArray dst, float mean, float std, Generator g) {
        long key = g.nextLong();
        fillCounterBased(dst, i -> mean + std * Generator.gaussianAt(key, i));
    }

    @FunctionalInterface
    private interface IndexedSource {
        float at(long rowMajorIndex);
    }

    /**
     * Element i (in dst's row-major order) gets source.at(i), a pure function of i and the fill's key, so
     * the work splits across threads and a seed still gives one result, whatever the thread count.
     */
    private void fillCounterBased(NDArray dst, IndexedSource source) {
        requireDType(dst, DType.FLOAT32, "random fill");
        NDArray target = dst.isContiguous() ? dst : empty(DType.FLOAT32, dst.shape());
        float[] d = floats(target);
        int base = target.offset();
        Parallel.forRange((int) target.numel(), 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) d[base + i] = source.at(i);
        });
        if (target != dst) copyInto(target, dst);
    }

    // ---- fused ops --------------------------------------------------------------------------------

    @Override
    public NDArray softmax(NDArray x) {
        return fused.softmax(x, false);
    }

    @Override
    public NDArray logSoftmax(NDArray x) {
        return fused.softmax(x, true);
    }

    @Override
    public NDArray softmaxBackward(NDArray y, NDArray dy) {
        return fused.softmaxBackward(y, dy, false);
    }

    @Override
    public dev.jvit.core.backend.AttentionResult attention(NDArray qkv, int heads, float scale) {
        return attention.forward(qkv, heads, scale);
    }

    @Override
    public NDArray attentionBackward(NDArray qkv, NDArray probs, NDArray dOut, int heads, float scale) {
        return attention.backward(qkv, probs, dOut, heads, scale);
    }

    @Override
    public NDArray logSoftmaxBackward(NDArray y, NDArray dy) {
        return fused.softmaxBackward(y, dy, true);
    }

    @Override
    public LayerNormResult layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return fused.layerNorm(x, weight, bias, eps);
    }

    @Override
    public LayerNormGrads layerNormBackward(NDArray dy, NDArray x, NDArray weight, NDArray mean, NDArray rstd,
                                            boolean hasBias) {
        return fused.layerNormBackward(dy, x, weight, mean, rstd, hasBias);
    }

    @Override
    public NDArray gelu(NDArray x, GeluApproximation approximation) {
        return fused.gelu(x, approximation);
    }

    @Override
    public NDArray geluBackward(NDArray x, NDArray dy, GeluApproximation approximation) {
        return fused.geluBackward(x, dy, approximation);
    }

    @Override
    public NDArray geluDropout(NDArray x, GeluApproximation approximation, float p, long seed) {
        requireDType(x, DType.FLOAT32, "geluDropout");
        return fused.geluDropout(x, approximation, DropoutDraw.of(p, seed));
    }

    @Override
    public NDArray geluDropoutBackward(NDArray x, NDArray dy, GeluApproximation approximation, float p, long seed) {
        requireDType(x, DType.FLOAT32, "geluDropoutBackward");
        requireDType(dy, DType.FLOAT32, "geluDropoutBackward");
        return fused.geluDropoutBackward(x, dy, approximation, DropoutDraw.of(p, seed));
    }

    // ---- optimizer updates ------------------------------------------------------------------------

    @Override
    public void adamUpdate(NDArray param, NDArray grad, NDArray expAvg, NDArray expAvgSq, double lr, double beta1,
                           double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        optimizer.adamUpdate(param, grad, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    @Override
    public void sgdUpdate(NDArray param, NDArray grad, NDArray momentumBuffer, double lr, double momentum,
                          double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        optimizer.sgdUpdate(param, grad, momentumBuffer, lr, momentum, dampening, nesterov, weightDecay, firstStep);
    }

    // ---- storage access ---------------------------------------------------------------------------

    static float[] floats(NDArray x) {
        if (!(x.storage() instanceof CpuStorage s)) throw notCpu(x);
        if (x.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("expected a FLOAT32 array, got " + x.dtype() + " " + Shape.str(x.shape()));
        }
        return s.floats();
    }

    static int[] ints(NDArray x) {
        if (!(x.storage() instanceof CpuStorage s)) throw notCpu(x);
        if (x.dtype() != DType.INT32) {
            throw new IllegalArgumentException("expected an INT32 array, got " + x.dtype() + " " + Shape.str(x.shape()));
        }
        return s.ints();
    }

    private static IllegalArgumentException notCpu(NDArray x) {
        return new IllegalArgumentException("the CPU backend got an array on " + x.device()
                + "; move it with to(Device.CPU)");
    }

    private static void requireDType(NDArray x, DType t, String op) {
        if (x.dtype() != t) throw new IllegalArgumentException(op + " needs " + t + ", got " + x.dtype());
    }
}
