package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;

import java.util.Arrays;

/**
 * The fused ops on the GPU: softmax and log-softmax over the last dimension, layer norm and GELU, with their
 * backwards (softmax.cu, layernorm.cu, gelu.cu). Inputs are made contiguous first; the row ops run one block
 * per row. The layer-norm weight and bias gradients are reduced in fixed row blocks and then summed in block
 * order, so they repeat exactly from run to run.
 */
final class CudaFused {
    /** At most this many partial sums per column for the layer-norm weight and bias gradients. */
    private static final int MAX_PARTS = 256;

    private final CudaBackend backend;

    CudaFused(CudaBackend backend) {
        this.backend = backend;
    }

    /** x is (..., C); the result has x's shape. */
    NDArray softmax(NDArray x, boolean log) {
        CudaBackend.requireFloat(x);
        NDArray xc = backend.contiguous(x);
        NDArray out = backend.empty(DType.FLOAT32, x.shape());
        int c = x.size(-1), rows = rowsOf(x);
        if (rows > 0) {
            backend.api().launch("softmax", "softmax_forward", Grid.forRows(rows, c), log ? 1 : 0, rows, c,
                    backend.ptr(xc), backend.ptr(out));
        }
        return out;
    }

    /** y and dy are (..., C), y the forward output; dx has their shape. */
    NDArray softmaxBackward(NDArray y, NDArray dy, boolean log) {
        CudaBackend.requireFloat(y, dy);
        NDArray yc = backend.contiguous(y), dc = backend.contiguous(dy);
        NDArray dx = backend.empty(DType.FLOAT32, y.shape());
        int c = y.size(-1), rows = rowsOf(y);
        if (rows > 0) {
            backend.api().launch("softmax", "softmax_backward", Grid.forRows(rows, c), log ? 1 : 0, rows, c,
                    backend.ptr(yc), backend.ptr(dc), backend.ptr(dx));
        }
        return dx;
    }

    /** x is (..., C), weight and bias (C) or null; mean and rstd are (...). */
    LayerNormResult layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        CudaBackend.requireFloat(x);
        int[] shape = x.shape();
        int c = x.size(-1), rows = rowsOf(x);
        NDArray xc = backend.contiguous(x);
        NDArray y = backend.empty(DType.FLOAT32, shape);
        int[] statShape = Arrays.copyOf(shape, shape.length - 1);
        NDArray mean = backend.empty(DType.FLOAT32, statShape), rstd = backend.empty(DType.FLOAT32, statShape);
        NDArray w = weight == null ? null : backend.contiguous(weight);
        NDArray b = bias == null ? null : backend.contiguous(bias);
        if (rows > 0) {
            Ptr px = backend.ptr(xc);
            // an absent weight or bias is flagged off; the kernel never reads the stand-in pointer
            backend.api().launch("layernorm", "layernorm_forward", Grid.forRows(rows, c), rows, c, px,
                    w == null ? 0 : 1, w == null ? px : backend.ptr(w), b == null ? 0 : 1,
                    b == null ? px : backend.ptr(b), eps, backend.ptr(y), backend.ptr(mean), backend.ptr(rstd));
        }
        return new LayerNormResult(y, mean, rstd);
    }

    /** dy and x are (..., C), mean and rstd (...); dweight and dbias are (C) or null. */
    LayerNormGrads layerNormBackward(NDArray dy, NDArray x, NDArray weight, NDArray mean, NDArray rstd,
                                     boolean hasBias) {
        CudaBackend.requireFloat(dy, x, mean, rstd);
        int[] shape = x.shape();
        int c = x.size(-1), rows = rowsOf(x);
        NDArray xc = backend.contiguous(x), dc = backend.contiguous(dy);
        NDArray mc = backend.contiguous(mean), rc = backend.contiguous(rstd);
        NDArray w = weight == null ? null : backend.contiguous(weight);
        NDArray dx = backend.empty(DType.FLOAT32, shape);
        boolean wantW = weight != null;
        NDArray dweight = wantW ? backend.empty(DType.FLOAT32, new int[] {c}) : null;
        NDArray dbias = hasBias ? backend.empty(DType.FLOAT32, new int[] {c}) : null;
        if (rows == 0) {
            if (dweight != null) backend.fill(dweight, 0f);
            if (dbias != null) backend.fill(dbias, 0f);
            return new LayerNormGrads(dx, dweight, dbias);
        }
        Ptr px = backend.ptr(xc), pd = backend.ptr(dc), pm = backend.ptr(mc), pr = backend.ptr(rc);
        backend.api().launch("layernorm", "layernorm_backward_dx", Grid.forRows(rows, c), rows, c, pd, px,
                wantW ? 1 : 0, wantW ? backend.ptr(w) : px, pm, pr, backend.ptr(dx));
        if (wantW || hasBias) {
            // the split depends only on the shape, so the sums repeat exactly
            int rowsPerPart = (rows + MAX_PARTS - 1) / MAX_PARTS;
            int parts = (rows + rowsPerPart - 1) / rowsPerPart;
            NDArray partW = wantW ? backend.empty(DType.FLOAT32, new int[] {parts, c}) : null;
            NDArray partB = hasBias ? backend.empty(DType.FLOAT32, new int[] {parts, c}) : null;
            Ptr pw = wantW ? backend.ptr(partW) : backend.ptr(partB), pb = hasBias ? backend.ptr(partB) : pw;
            Grid grid = new Grid((c + Grid.THREADS - 1) / Grid.THREADS, parts, 1, Grid.THREADS, 0);
            backend.api().launch("layernorm", "layernorm_backward_partials", grid, rows, c, rowsPerPart, pd, px,
                    pm, pr, wantW ? 1 : 0, pw, hasBias ? 1 : 0, pb);
            if (wantW) {
                backend.api().launch("layernorm", "sum_partials", Grid.forElements(c), parts, c, pw,
                        backend.ptr(dweight));
            }
            if (hasBias) {
                backend.api().launch("layernorm", "sum_partials", Grid.forElements(c), parts, c, pb,
                        backend.ptr(dbias));
            }
        }
        return new LayerNormGrads(dx, dweight, dbias);
    }

    NDArray gelu(NDArray x, GeluApproximation approximation) {
        CudaBackend.requireFloat(x);
        NDArray xc = backend.contiguous(x);
        NDArray out = backend.empty(DType.FLOAT32, x.shape());
        long n = x.numel();
        if (n > 0) {
            backend.api().launch("gelu", "gelu_forward", Grid.forElements(n), tanh(approximation), (int) n,
                    backend.ptr(xc), backend.ptr(out));
        }
        return out;
    }

    NDArray geluBackward(NDArray x, NDArray dy, GeluApproximation approximation) {
        CudaBackend.requireFloat(x, dy);
        NDArray xc = backend.contiguous(x), dc = backend.contiguous(dy);
        NDArray dx = backend.empty(DType.FLOAT32, x.shape());
        long n = x.numel();
        if (n > 0) {
            backend.api().launch("gelu", "gelu_backward", Grid.forElements(n), tanh(approximation), (int) n,
                    backend.ptr(xc), backend.ptr(dc), backend.ptr(dx));
        }
        return dx;
    }

    private static int tanh(GeluApproximation a) {
        return a == GeluApproximation.TANH ? 1 : 0;
    }

    /** The number of rows of length size(-1) in x (0 when the last dimension is empty). */
    private static int rowsOf(NDArray x) {
        int c = x.size(-1);
        return c == 0 ? 0 : (int) (x.numel() / c);
    }
}
