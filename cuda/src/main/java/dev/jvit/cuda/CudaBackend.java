package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.Conv2dGeometry;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import dev.jvit.cuda.blas.CublasGemm;
import dev.jvit.cuda.blas.GemmEngine;
import dev.jvit.cuda.blas.KernelGemm;
import dev.jvit.cuda.memory.CachingAllocator;
import jcuda.runtime.cudaStream_t;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CUDA backend: the layout layer between {@link NDArray}s and the kernels of {@code src/main/cuda}, as
 * {@code CpuBackend} is for the CPU kernels. Arrays live in {@link CudaStorage} blocks of a
 * {@link CachingAllocator}; elementwise ops pass the collapsed strides of their operands to the kernels
 * ({@link StridedLayout}), so views are read and written in place; reductions and the fused row ops first
 * make their input contiguous, then run one block per row. Matrix products go to a {@link GemmEngine}:
 * cuBLAS, or jvit's own kernels when cuBLAS cannot be loaded (said once). Reductions, the fused ops and
 * indexing live in {@link CudaReductions}, {@link CudaFused} and {@link CudaIndexing}.
 *
 * <p>All work is queued on one stream; only copies to the host wait for it.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private static final AtomicBoolean GEMM_NOTE = new AtomicBoolean();

    private final Device device;
    private final DeviceApi api;
    private final CachingAllocator allocator;
    private final GemmEngine gemm;
    private final AutoCloseable owner;
    private final CudaReductions reductions;
    private final CudaFused fused;
    private final CudaAttention attention;
    private final CudaIndexing indexing;

    /**
     * A backend over any {@link DeviceApi} (tests pass a fake). {@code owner} is closed with the backend (the
     * context), or null.
     */
    CudaBackend(Device device, DeviceApi api, GemmEngine gemm, AutoCloseable owner) {
        this.device = device;
        this.api = api;
        this.allocator = new CachingAllocator(api, CudaBackend::collectGarbage);
        this.gemm = gemm;
        this.owner = owner;
        this.reductions = new CudaReductions(this);
        this.fused = new CudaFused(this);
        this.attention = new CudaAttention(this);
        this.indexing = new CudaIndexing(this);
    }

    /**
     * Opens a device: its context, and cuBLAS when it loads, else the own GEMM kernels. {@code
     * -Djvit.cuda.gemm=kernels} forces the kernels, {@code =cublas} makes a missing cuBLAS an error.
     */
    public static CudaBackend open(Device device) {
        String reason = CudaAvailability.unavailableReason(device.index());
        if (reason != null) throw new IllegalStateException("device " + device + " is unavailable: " + reason);
        CudaContext context = new CudaContext(device.index());
        String choice = System.getProperty("jvit.cuda.gemm", "auto").trim().toLowerCase(Locale.ROOT);
        GemmEngine gemm = null;
        if (!choice.equals("kernels")) {
            try {
                gemm = new CublasGemm(new cudaStream_t(context.stream()), context::devicePointer);
            } catch (Throwable t) {
                if (choice.equals("cublas")) {
                    context.close();
                    throw new IllegalStateException("cuBLAS is not available: " + NativeErrors.describe(t));
                }
                if (GEMM_NOTE.compareAndSet(false, true)) {
                    System.err.println("jvit: cuBLAS is not available (" + NativeErrors.describe(t)
                            + "); using jvit's own GEMM kernels");
                }
            }
        }
        if (gemm == null) gemm = new KernelGemm(context);
        return new CudaBackend(device, context, gemm, context);
    }

    /** The allocator's last resort: unreachable arrays return their blocks through their cleaners. */
    private static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(50); // the cleaner thread runs after the collection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String name() {
        return "cuda:" + device.index() + " (" + api.deviceName() + ", " + gemm.name() + ")";
    }

    @Override
    public Device device() {
        return device;
    }

    /** The caching allocator, for its statistics ({@code peakBytes}, {@code currentBytes}, ...). */
    public CachingAllocator allocator() {
        return allocator;
    }

    /** Which GEMM runs matrix products. */
    public String gemmName() {
        return gemm.name();
    }

    /** Waits until every queued kernel has finished (for timing). */
    public void synchronize() {
        api.synchronize();
    }

    @Override
    public void close() throws Exception {
        api.synchronize();
        gemm.close();
        allocator.close();
        if (owner != null) owner.close();
    }

    DeviceApi api() {
        return api;
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public NDArray empty(DType dtype, int[] shape) {
        long n = Shape.numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " has " + n
                    + " elements, more than jvit's int indexing allows");
        }
        CachingAllocator.Block block = allocator.allocate(Math.max(1, n) * dtype.bytes());
        return NDArray.wrap(new CudaStorage(allocator, block, dtype, device, n), shape);
    }

    @Override
    public NDArray fromHost(float[] data, int[] shape) {
        checkLength(data.length, shape);
        NDArray out = empty(DType.FLOAT32, shape);
        api.copyToDevice(ptr(out), data, data.length);
        return out;
    }

    @Override
    public NDArray fromHost(int[] data, int[] shape) {
        checkLength(data.length, shape);
        NDArray out = empty(DType.INT32, shape);
        api.copyToDevice(ptr(out), data, data.length);
        return out;
    }

    private static void checkLength(int length, int[] shape) {
        if (Shape.numel(shape) != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Shape.str(shape)
                    + " needs " + Shape.numel(shape));
        }
    }

    @Override
    public float[] toHostFloats(NDArray x) {
        requireDType(x, DType.FLOAT32, "toHostFloats");
        NDArray c = contiguous(x);
        float[] out = new float[(int) c.numel()];
        api.copyToHost(ptr(c), out, out.length);
        return out;
    }

    @Override
    public int[] toHostInts(NDArray x) {
        requireDType(x, DType.INT32, "toHostInts");
        NDArray c = contiguous(x);
        int[] out = new int[(int) c.numel()];
        api.copyToHost(ptr(c), out, out.length);
        return out;
    }

    @Override
    public void fill(NDArray dst, float value) {
        int bits = dst.dtype() == DType.FLOAT32 ? Float.floatToRawIntBits(value) : (int) value;
        elementwise("elementwise", "fill", true, dst.shape(), new NDArray[] {dst}, new Object[0], new Object[] {bits});
    }

    @Override
    public void copyInto(NDArray src, NDArray dst) {
        String kernel = "copy_" + tag(src.dtype()) + "_" + tag(dst.dtype());
        elementwise("elementwise", kernel, true, dst.shape(), new NDArray[] {dst, src}, new Object[0], new Object[0]);
    }

    private static String tag(DType t) {
        return t == DType.FLOAT32 ? "f32" : "i32";
    }

    /** x when contiguous, else a contiguous copy. */
    NDArray contiguous(NDArray x) {
        if (x.isContiguous()) return x;
        NDArray out = empty(x.dtype(), x.shape());
        copyInto(x, out);
        return out;
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @Override
    public void unaryInto(UnaryOp op, NDArray x, NDArray out) {
        requireFloat(x, out);
        elementwise("elementwise", "unary", true, out.shape(), new NDArray[] {out, x},
                new Object[] {KernelCodes.of(op)}, new Object[0]);
    }

    @Override
    public void powScalarInto(NDArray x, float exponent, NDArray out) {
        requireFloat(x, out);
        elementwise("elementwise", "pow_scalar", true, out.shape(), new NDArray[] {out, x},
                new Object[] {exponent}, new Object[0]);
    }

    @Override
    public void binaryInto(BinaryOp op, NDArray a, NDArray b, NDArray out) {
        requireFloat(a, b, out);
        elementwise("elementwise", "binary", true, out.shape(), new NDArray[] {out, a, b},
                new Object[] {KernelCodes.of(op)}, new Object[0]);
    }

    @Override
    public void whereInto(NDArray cond, NDArray a, NDArray b, NDArray out) {
        requireFloat(a, b, out);
        elementwise("elementwise", "where", false, out.shape(), new NDArray[] {out, cond, a, b},
                new Object[] {cond.dtype() == DType.INT32 ? 1 : 0}, new Object[0]);
    }

    /**
     * Launches an elementwise kernel over {@code shape}: operand 0 (usually the output) and the others,
     * broadcast to the shape, with arguments {@code prefix..., n, layout-or-strides, pointers..., suffix...}.
     * A walk that collapses to one dimension takes the kernel's "_1d" form (pointer, stride pairs) when
     * {@code has1d}; otherwise "_nd" with the packed Layout. Walks of more than 8 dimensions after
     * collapsing are split on the host into launches over the innermost 8.
     */
    void elementwise(String module, String kernel, boolean has1d, int[] shape, NDArray[] operands,
                     Object[] prefix, Object[] suffix) {
        int[][] strides = new int[operands.length][];
        Ptr[] bases = new Ptr[operands.length];
        for (int k = 0; k < operands.length; k++) {
            strides[k] = StridedLayout.broadcastStrides(operands[k], shape);
            bases[k] = ptr(operands[k]);
        }
        stridedLaunch(module, kernel, has1d, shape, strides, bases, prefix, suffix);
    }

    /** As {@link #elementwise} with explicit strides and base pointers. */
    void stridedLaunch(String module, String kernel, boolean has1d, int[] shape, int[][] strides, Ptr[] bases,
                       Object[] prefix, Object[] suffix) {
        long total = Shape.numel(shape);
        if (total == 0) return;
        checkIndexable(total, shape);
        StridedLayout layout = StridedLayout.of(shape, strides);
        int ops = bases.length;
        if (has1d && layout.rank() <= 1) {
            List<Object> args = new ArrayList<>(Arrays.asList(prefix));
            args.add((int) total);
            for (int k = 0; k < ops; k++) {
                args.add(bases[k]);
                args.add(layout.rank() == 0 ? 0 : layout.stride(k, 0));
            }
            args.addAll(Arrays.asList(suffix));
            api.launch(module, kernel + "_1d", Grid.forElements(total), args.toArray());
            return;
        }
        int outerDims = Math.max(0, layout.rank() - StridedLayout.MAX_DIMS);
        StridedLayout inner = outerDims == 0 ? layout : layout.inner(outerDims);
        int[] packed = inner.pack();
        long innerCount = inner.numel(), outerCount = total / innerCount;
        for (long o = 0; o < outerCount; o++) {
            List<Object> args = new ArrayList<>(Arrays.asList(prefix));
            args.add((int) innerCount);
            args.add(packed);
            for (int k = 0; k < ops; k++) args.add(bases[k].plus(layout.outerOffset(k, o, outerDims)));
            args.addAll(Arrays.asList(suffix));
            api.launch(module, kernel + "_nd", Grid.forElements(innerCount), args.toArray());
        }
    }

    private static void checkIndexable(long n, int[] shape) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " has " + n
                    + " elements, more than one kernel launch indexes");
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

    @Override
    public NDArray matmul(NDArray a, NDArray b) {
        requireFloat(a, b);
        int ra = a.rank(), rb = b.rank();
        int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        int[] batch = Shape.broadcast(Arrays.copyOf(a.shape(), ra - 2), Arrays.copyOf(b.shape(), rb - 2));
        int nb = batch.length;
        int[] outShape = withMatrix(batch, m, n);
        NDArray out = empty(DType.FLOAT32, outShape);
        if (out.numel() == 0) return out;
        if (k == 0) {
            fill(out, 0f);
            return out;
        }
        a = readable(a, m, k);
        b = readable(b, k, n);
        int aRow = a.stride(-2), aCol = a.stride(-1), bRow = b.stride(-2), bCol = b.stride(-1);
        int[] aStr = StridedLayout.broadcastStrides(a, withMatrix(batch, m, k));
        int[] bStr = StridedLayout.broadcastStrides(b, withMatrix(batch, k, n));
        int[] cStr = Shape.contiguousStrides(outShape);
        Ptr pa = ptr(a), pb = ptr(b), pc = ptr(out);

        // b shared by the whole batch (a Linear layer on (B, N, C)): when a's batch and row dimensions fold
        // into one strided dimension, the batch is one tall GEMM
        if (nb > 0 && allZero(bStr, nb)) {
            int[] foldShape = Arrays.copyOf(outShape, nb + 1);
            StridedLayout fold = StridedLayout.of(foldShape, Arrays.copyOf(aStr, nb + 1), Arrays.copyOf(cStr, nb + 1));
            int rows = (int) Shape.numel(foldShape);
            int foldRow = fold.rank() == 0 ? aRow : fold.stride(0, 0);
            if (fold.rank() <= 1 && gemm.readsInPlace(rows, k, foldRow, aCol)) {
                gemm.sgemm(rows, n, k, pa, foldRow, aCol, 0, pb, bRow, bCol, 0, pc, 0, 1);
                return out;
            }
        }
        StridedLayout batches = StridedLayout.of(batch, Arrays.copyOf(cStr, nb), Arrays.copyOf(aStr, nb),
                Arrays.copyOf(bStr, nb));
        if (batches.rank() == 0) {
            gemm.sgemm(m, n, k, pa, aRow, aCol, 0, pb, bRow, bCol, 0, pc, 0, 1);
            return out;
        }
        // the innermost batch dimension is one strided-batched call; any others are walked here
        int last = batches.rank() - 1;
        StridedLayout inner = batches.inner(last);
        int count = inner.shape()[0];
        long outer = batches.numel() / count;
        for (long o = 0; o < outer; o++) {
            gemm.sgemm(m, n, k, pa.plus(batches.outerOffset(1, o, last)), aRow, aCol, inner.stride(1, 0),
                    pb.plus(batches.outerOffset(2, o, last)), bRow, bCol, inner.stride(2, 0),
                    pc.plus(batches.outerOffset(0, o, last)), inner.stride(0, 0), count);
        }
        return out;
    }

    /** x itself when the GEMM engine reads its (rows, cols) layout in place, else a contiguous copy. */
    private NDArray readable(NDArray x, int rows, int cols) {
        if (gemm.readsInPlace(rows, cols, x.stride(-2), x.stride(-1))) return x;
        NDArray out = empty(x.dtype(), x.shape());
        copyInto(x, out);
        return out;
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
        requireFloat(x);
        NDArray xc = contiguous(x);
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = geometry.outH(h), ow = geometry.outW(w);
        NDArray out = empty(DType.FLOAT32, new int[] {b, oh * ow, geometry.patchSize(c)});
        if (out.numel() > 0) {
            checkIndexable(out.numel(), out.shape());
            api.launch("conv", "im2col", Grid.forElements(out.numel()), convGeometry(geometry, b, c, h, w),
                    ptr(xc), ptr(out));
        }
        return out;
    }

    @Override
    public NDArray col2im(NDArray cols, int channels, int height, int width, Conv2dGeometry geometry) {
        requireFloat(cols);
        NDArray cc = contiguous(cols);
        int b = cols.size(0);
        NDArray out = empty(DType.FLOAT32, new int[] {b, channels, height, width});
        if (out.numel() > 0) {
            checkIndexable(out.numel(), out.shape());
            api.launch("conv", "col2im", Grid.forElements(out.numel()),
                    convGeometry(geometry, b, channels, height, width), ptr(cc), ptr(out));
        }
        return out;
    }

    /** The ConvGeometry struct of conv.cu. */
    private static int[] convGeometry(Conv2dGeometry g, int b, int c, int h, int w) {
        return new int[] {b, c, h, w, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW(),
                g.outH(h), g.outW(w)};
    }

    // ---- random -----------------------------------------------------------------------------------

    /** Uniform in [low, high) from a Philox stream keyed by one {@code g.nextLong()}. */
    @Override
    public void uniform(NDArray dst, float low, float high, Generator g) {
        randomFill("uniform_fill", dst, low, high - low, g);
    }

    /** Normal from a Philox stream keyed by one {@code g.nextLong()}. */
    @Override
    public void normal(NDArray dst, float mean, float std, Generator g) {
        randomFill("normal_fill", dst, mean, std, g);
    }

    private void randomFill(String kernel, NDArray dst, float a, float b, Generator g) {
        requireDType(dst, DType.FLOAT32, "random fill");
        long seed = g.nextLong(); // drawn even for an empty array, so the stream advances the same way
        if (dst.numel() == 0) return;
        checkIndexable(dst.numel(), dst.shape());
        NDArray target = dst.isContiguous() ? dst : empty(DType.FLOAT32, dst.shape());
        api.launch("random", kernel, Grid.forElements(dst.numel()), (int) dst.numel(), ptr(target), seed, a, b);
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
        if (!CudaAttention.fits(qkv, heads)) return Backend.super.attention(qkv, heads, scale);
        return attention.forward(qkv, heads, scale);
    }

    @Override
    public NDArray attentionBackward(NDArray qkv, NDArray probs, NDArray dOut, int heads, float scale) {
        if (!CudaAttention.fits(qkv, heads)) return Backend.super.attentionBackward(qkv, probs, dOut, heads, scale);
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

    // ---- optimizer updates ------------------------------------------------------------------------

    @Override
    public void adamUpdate(NDArray param, NDArray grad, NDArray expAvg, NDArray expAvgSq, double lr, double beta1,
                           double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        if (step < 1) throw new IllegalArgumentException("adamUpdate: step counts from 1, got " + step);
        checkSameShapes("adamUpdate", param, grad, expAvg, expAvgSq);
        // as CpuOptimizer: the scalars in double, as PyTorch computes them, rounded once
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float l2 = decoupled ? 0f : (float) weightDecay;
        float decay = decoupled ? (float) (1.0 - lr * weightDecay) : 1f;
        Object[] scalars = {(float) beta1, (float) (1.0 - beta1), (float) beta2, (float) (1.0 - beta2), (float) eps,
                l2, decay, stepSize, bc2Sqrt};
        update(new NDArray[] {param, grad, expAvg, expAvgSq}, new boolean[] {true, false, true, true},
                (n, p) -> {
                    Object[] args = new Object[5 + scalars.length];
                    args[0] = n;
                    System.arraycopy(p, 0, args, 1, 4);
                    System.arraycopy(scalars, 0, args, 5, scalars.length);
                    api.launch("optimizer", "adam_update", Grid.forElements(n), args);
                });
    }

    @Override
    public void sgdUpdate(NDArray param, NDArray grad, NDArray momentumBuffer, double lr, double momentum,
                          double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        if ((momentumBuffer == null) != (momentum == 0.0)) {
            throw new IllegalArgumentException("sgdUpdate: a momentum buffer is needed exactly when momentum != 0 "
                    + "(momentum " + momentum + ", buffer " + (momentumBuffer == null ? "null" : "given") + ")");
        }
        boolean hasBuffer = momentumBuffer != null;
        NDArray[] xs = hasBuffer ? new NDArray[] {param, grad, momentumBuffer} : new NDArray[] {param, grad};
        checkSameShapes("sgdUpdate", xs);
        boolean[] written = hasBuffer ? new boolean[] {true, false, true} : new boolean[] {true, false};
        update(xs, written, (n, p) -> api.launch("optimizer", "sgd_update", Grid.forElements(n), n, p[0], p[1],
                hasBuffer ? 1 : 0, hasBuffer ? p[2] : p[0], (float) lr, (float) momentum, (float) (1.0 - dampening),
                nesterov ? 1 : 0, (float) weightDecay, firstStep ? 1 : 0));
    }

    @FunctionalInterface
    private interface UpdateLaunch {
        void launch(int n, Ptr[] pointers);
    }

    /**
     * Runs a fused update over operands of one shape: in place when all are contiguous (the normal case),
     * else on contiguous copies whose written ones are copied back.
     */
    private void update(NDArray[] xs, boolean[] written, UpdateLaunch launch) {
        long n = xs[0].numel();
        if (n == 0) return;
        checkIndexable(n, xs[0].shape());
        NDArray[] dense = new NDArray[xs.length];
        Ptr[] p = new Ptr[xs.length];
        for (int k = 0; k < xs.length; k++) {
            requireDType(xs[k], DType.FLOAT32, "optimizer update");
            dense[k] = contiguous(xs[k]);
            p[k] = ptr(dense[k]);
        }
        launch.launch((int) n, p);
        for (int k = 0; k < xs.length; k++) if (written[k] && dense[k] != xs[k]) copyInto(dense[k], xs[k]);
    }

    private static void checkSameShapes(String op, NDArray... xs) {
        String[] names = {"param", "grad", "first state", "second state"};
        for (int k = 1; k < xs.length; k++) {
            if (!Arrays.equals(xs[0].shape(), xs[k].shape())) {
                throw new IllegalArgumentException(op + ": param has shape " + Shape.str(xs[0].shape()) + " but "
                        + names[k] + " has shape " + Shape.str(xs[k].shape()));
            }
        }
    }

    // ---- storage access ---------------------------------------------------------------------------

    /** The device address of x's first element; x must live on this backend's device. */
    Ptr ptr(NDArray x) {
        if (!(x.storage() instanceof CudaStorage s) || !x.device().equals(device)) {
            throw new IllegalArgumentException("the CUDA backend of " + device + " got an array on " + x.device()
                    + "; move it with to(" + device + ")");
        }
        return new Ptr(s, 4L * x.offset());
    }

    static void requireDType(NDArray x, DType t, String op) {
        if (x.dtype() != t) throw new IllegalArgumentException(op + " needs " + t + ", got " + x.dtype());
    }

    static void requireFloat(NDArray... xs) {
        for (NDArray x : xs) {
            if (x.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException("expected a FLOAT32 array, got " + x.dtype() + " "
                        + Shape.str(x.shape()));
            }
        }
    }
}
