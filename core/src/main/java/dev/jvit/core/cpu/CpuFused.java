package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;

import java.util.Arrays;

/**
 * The fused ops of the CPU backend: softmax and log-softmax over the last dimension, layer norm and GELU,
 * with their backwards. Their kernels take contiguous rows, so a strided input is made contiguous once
 * here; then rows (or, for GELU, chunks of the flat array) are spread across threads.
 */
final class CpuFused {
    private final CpuBackend backend;
    private final CpuKernels kernels;

    CpuFused(CpuBackend backend, CpuKernels kernels) {
        this.backend = backend;
        this.kernels = kernels;
    }

    /** x is (..., C); the result has x's shape. */
    NDArray softmax(NDArray x, boolean log) {
        NDArray xc = x.contiguous();
        NDArray out = backend.empty(DType.FLOAT32, x.shape());
        int c = x.size(-1), rows = rowsOf(x);
        float[] xs = CpuBackend.floats(xc), o = CpuBackend.floats(out);
        int xBase = xc.offset();
        StridedLoops.forRange(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                if (log) kernels.logSoftmaxRow(xs, xBase + r * c, o, r * c, c);
                else kernels.softmaxRow(xs, xBase + r * c, o, r * c, c);
            }
        });
        return out;
    }

    /** y and dy are (..., C) with y the forward output; dx has their shape. */
    NDArray softmaxBackward(NDArray y, NDArray dy, boolean log) {
        NDArray yc = y.contiguous(), dc = dy.contiguous();
        NDArray dx = backend.empty(DType.FLOAT32, y.shape());
        int c = y.size(-1), rows = rowsOf(y);
        float[] ys = CpuBackend.floats(yc), ds = CpuBackend.floats(dc), o = CpuBackend.floats(dx);
        int yBase = yc.offset(), dBase = dc.offset();
        StridedLoops.forRange(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                if (log) kernels.logSoftmaxBackwardRow(ys, yBase + r * c, ds, dBase + r * c, o, r * c, c);
                else kernels.softmaxBackwardRow(ys, yBase + r * c, ds, dBase + r * c, o, r * c, c);
            }
        });
        return dx;
    }

    /** x is (..., C), weight and bias (C) or null; mean and rstd are (...). */
    LayerNormResult layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        int[] shape = x.shape();
        int c = shape[shape.length - 1], rows = rowsOf(x);
        NDArray xc = x.contiguous();
        NDArray y = backend.empty(DType.FLOAT32, shape);
        int[] statShape = Arrays.copyOf(shape, shape.length - 1);
        NDArray mean = backend.empty(DType.FLOAT32, statShape), rstd = backend.empty(DType.FLOAT32, statShape);
        float[] xs = CpuBackend.floats(xc), ys = CpuBackend.floats(y);
        float[] w = weight == null ? null : backend.denseFloats(weight);
        float[] b = bias == null ? null : backend.denseFloats(bias);
        float[] ms = CpuBackend.floats(mean), rs = CpuBackend.floats(rstd);
        int xBase = xc.offset();
        StridedLoops.forRange(rows, 4L * c, (from, to) -> {
            kernels.layerNormRows(xs, xBase, w, b, eps, ys, 0, c, ms, rs, from, to);
        });
        return new LayerNormResult(y, mean, rstd);
    }

    /**
     * dy and x are (..., C), mean and rstd (...). dweight and dbias sum over every row: rows are cut into
     * blocks whose size depends only on the shape, each block adds into its own partial arrays, and the
     * partials are added in block order, so the result is the same for any thread count.
     */
    LayerNormGrads layerNormBackward(NDArray dy, NDArray x, NDArray weight, NDArray mean, NDArray rstd,
                                     boolean hasBias) {
        int[] shape = x.shape();
        int c = shape[shape.length - 1], rows = rowsOf(x);
        NDArray xc = x.contiguous(), dc = dy.contiguous();
        NDArray dx = backend.empty(DType.FLOAT32, shape);
        float[] xs = CpuBackend.floats(xc), ds = CpuBackend.floats(dc), dxs = CpuBackend.floats(dx);
        float[] w = weight == null ? null : backend.denseFloats(weight);
        float[] ms = backend.denseFloats(mean), rs = backend.denseFloats(rstd);
        boolean wantW = weight != null;
        int xBase = xc.offset(), dBase = dc.offset();

        int blockRows = Math.max(1, Math.max(StridedLoops.GRAIN / Math.max(1, c), (rows + 63) / 64));
        int blocks = rows == 0 ? 0 : (rows + blockRows - 1) / blockRows;
        float[][] dwPart = new float[blocks][], dbPart = new float[blocks][];
        StridedLoops.forRange(blocks, (long) blockRows * c * 4, (from, to) -> {
            for (int k = from; k < to; k++) {
                float[] dw = wantW ? new float[c] : null, db = hasBias ? new float[c] : null;
                kernels.layerNormBackwardRows(ds, dBase, xs, xBase, w, ms, rs, dxs, 0, dw, db, c,
                        k * blockRows, Math.min(rows, (k + 1) * blockRows));
                dwPart[k] = dw;
                dbPart[k] = db;
            }
        });
        NDArray dweight = wantW ? sumPartials(dwPart, c) : null;
        NDArray dbias = hasBias ? sumPartials(dbPart, c) : null;
        return new LayerNormGrads(dx, dweight, dbias);
    }

    private NDArray sumPartials(float[][] parts, int c) {
        NDArray out = backend.empty(DType.FLOAT32, new int[] {c}); // unspecified contents: cleared here
        float[] o = CpuBackend.floats(out);
        Arrays.fill(o, 0f);
        for (float[] p : parts) kernels.binary(dev.jvit.core.backend.BinaryOp.ADD, o, 0, 1, p, 0, 1, o, 0, c);
        return out;
    }

    /** Elements per block of the fused GELU-dropout: 8 KiB, so both passes over a block run in L1. */
    private static final int FUSED_BLOCK = 2048;

    NDArray gelu(NDArray x, GeluApproximation approximation) {
        NDArray xc = x.contiguous();
        NDArray out = backend.empty(DType.FLOAT32, x.shape());
        float[] xs = CpuBackend.floats(xc), o = CpuBackend.floats(out);
        int xBase = xc.offset();
        StridedLoops.forRange((int) x.numel(), 8, (from, to) ->
                kernels.gelu(approximation, xs, xBase + from, o, from, to - from));
        return out;
    }

    NDArray geluBackward(NDArray x, NDArray dy, GeluApproximation approximation) {
        NDArray xc = x.contiguous(), dc = dy.contiguous();
        NDArray dx = backend.empty(DType.FLOAT32, x.shape());
        float[] xs = CpuBackend.floats(xc), ds = CpuBackend.floats(dc), o = CpuBackend.floats(dx);
        int xBase = xc.offset(), dBase = dc.offset();
        StridedLoops.forRange((int) x.numel(), 8, (from, to) ->
                kernels.geluBackward(approximation, xs, xBase + from, ds, dBase + from, o, from, to - from));
        return dx;
    }

    /**
     * dropout(gelu(x)) in blocks of {@link #FUSED_BLOCK} elements: GELU writes a block of out, the dropout
     * kernel rescales it in place while it is still in L1, so memory sees one read of x and one write of out
     * instead of two of each. The mask is the one {@code dropout} draws, by flat index.
     */
    NDArray geluDropout(NDArray x, GeluApproximation approximation, DropoutDraw drop) {
        NDArray xc = x.contiguous();
        NDArray out = backend.empty(DType.FLOAT32, x.shape());
        float[] xs = CpuBackend.floats(xc), o = CpuBackend.floats(out);
        int xBase = xc.offset();
        StridedLoops.forRange((int) x.numel(), 8, (from, to) -> {
            for (int b = from; b < to; b += FUSED_BLOCK) {
                int e = Math.min(to, b + FUSED_BLOCK);
                kernels.gelu(approximation, xs, xBase + b, o, b, e - b);
                drop.apply(kernels, o, 0, o, 0, b, e);
            }
        });
        return out;
    }

    /** dx = geluBackward(x, dropout(dy)), blocked as {@link #geluDropout}: the dropped dy never leaves L1. */
    NDArray geluDropoutBackward(NDArray x, NDArray dy, GeluApproximation approximation, DropoutDraw drop) {
        if (!Arrays.equals(x.shape(), dy.shape())) {
            throw new IllegalArgumentException("geluDropoutBackward: gradient shape " + Shape.str(dy.shape())
                    + " differs from the input's " + Shape.str(x.shape()));
        }
        NDArray xc = x.contiguous(), dc = dy.contiguous();
        NDArray dx = backend.empty(DType.FLOAT32, x.shape());
        float[] xs = CpuBackend.floats(xc), ds = CpuBackend.floats(dc), o = CpuBackend.floats(dx);
        int xBase = xc.offset(), dBase = dc.offset();
        StridedLoops.forRange((int) x.numel(), 10, (from, to) -> {
            for (int b = from; b < to; b += FUSED_BLOCK) {
                int e = Math.min(to, b + FUSED_BLOCK);
                drop.apply(kernels, ds, dBase, o, 0, b, e);
                kernels.geluBackward(approximation, xs, xBase + b, o, b, o, b, e - b);
            }
        });
        return dx;
    }

    /** The number of rows of length size(-1) in x (1 for a 1-D array). */
    private static int rowsOf(NDArray x) {
        int c = x.size(-1);
        return c == 0 ? 0 : (int) (x.numel() / c);
    }
}
