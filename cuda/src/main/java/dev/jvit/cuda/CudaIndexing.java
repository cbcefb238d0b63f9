package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;

/**
 * Joining and indexing on the GPU (indexing.cu): concat as strided copies into slabs of the output;
 * indexSelect and indexAdd over (pre, dim, post) blocks of contiguous arrays; gather and scatterAdd over
 * the index's shape with the source's (or destination's) stride along dim replaced by the index. The
 * adds use atomicAdd, so sums of repeated indices can differ in the last bits from run to run.
 */
final class CudaIndexing {
    private final CudaBackend backend;

    CudaIndexing(CudaBackend backend) {
        this.backend = backend;
    }

    NDArray concat(NDArray[] xs, int dim) {
        int[] shape = xs[0].shape();
        int total = 0;
        for (NDArray x : xs) total += x.size(dim);
        shape[dim] = total;
        NDArray out = backend.empty(xs[0].dtype(), shape);
        int pos = 0;
        for (NDArray x : xs) {
            int len = x.size(dim);
            if (len > 0) backend.copyInto(x, out.narrow(dim, pos, len));
            pos += len;
        }
        return out;
    }

    /** out[p, i, q] = x[p, index[i], q]. */
    NDArray indexSelect(NDArray x, int dim, NDArray index) {
        NDArray xc = backend.contiguous(x), ic = backend.contiguous(index);
        int[] shape = x.shape();
        int size = shape[dim], pre = prefix(shape, dim), post = suffix(shape, dim), len = (int) index.numel();
        shape[dim] = len;
        NDArray out = backend.empty(x.dtype(), shape);
        if (out.numel() > 0) {
            backend.api().launch("indexing", "index_select", Grid.forElements(out.numel()), pre, size, len, post,
                    backend.ptr(xc), backend.ptr(ic), backend.ptr(out));
        }
        return out;
    }

    /** dst[p, index[i], q] += src[p, i, q]. */
    void indexAddInto(NDArray dst, int dim, NDArray index, NDArray src) {
        CudaBackend.requireFloat(dst, src);
        NDArray target = backend.contiguous(dst);
        NDArray s = backend.contiguous(src), ic = backend.contiguous(index);
        int[] shape = dst.shape();
        int size = shape[dim], pre = prefix(shape, dim), post = suffix(shape, dim), len = (int) index.numel();
        long n = (long) pre * len * post;
        if (n > 0) {
            backend.api().launch("indexing", "index_add", Grid.forElements(n), pre, size, len, post,
                    backend.ptr(target), backend.ptr(ic), backend.ptr(s));
        }
        if (target != dst) backend.copyInto(target, dst);
    }

    /** out[..., j, ...] = x[..., index[..., j, ...], ...] along dim; out has index's shape. */
    NDArray gather(NDArray x, int dim, NDArray index) {
        NDArray out = backend.empty(x.dtype(), index.shape());
        int[] xStrides = x.strides();
        int step = xStrides[dim];
        xStrides[dim] = 0; // the position along dim comes from the index
        int[] shape = index.shape();
        backend.stridedLaunch("indexing", "gather", false, shape,
                new int[][] {out.strides(), index.strides(), xStrides},
                new Ptr[] {backend.ptr(out), backend.ptr(index), backend.ptr(x)}, new Object[0], new Object[] {step});
        return out;
    }

    /** dst[..., index[..., j, ...], ...] += src[..., j, ...] along dim. */
    void scatterAddInto(NDArray dst, int dim, NDArray index, NDArray src) {
        CudaBackend.requireFloat(dst, src);
        int[] dStrides = dst.strides();
        int step = dStrides[dim];
        dStrides[dim] = 0;
        backend.stridedLaunch("indexing", "scatter_add", false, index.shape(),
                new int[][] {src.strides(), index.strides(), dStrides},
                new Ptr[] {backend.ptr(src), backend.ptr(index), backend.ptr(dst)}, new Object[0], new Object[] {step});
    }

    private static int prefix(int[] shape, int dim) {
        int p = 1;
        for (int i = 0; i < dim; i++) p *= shape[i];
        return p;
    }

    private static int suffix(int[] shape, int dim) {
        int p = 1;
        for (int i = dim + 1; i < shape.length; i++) p *= shape[i];
        return p;
    }
}
