package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.BinaryOp;

/**
 * Joining and indexing on the CPU: concat, indexSelect and its backward indexAdd, gather and its backward
 * scatterAdd. {@link dev.jvit.core.NDArray} has already checked shapes, dtypes and index ranges. Each
 * op views its operands as (pre, dim, post) blocks, where {@code post} elements are contiguous and copied or
 * added as one run.
 */
final class CpuIndexing {
    private final CpuBackend backend;
    private final CpuKernels kernels;

    CpuIndexing(CpuBackend backend, CpuKernels kernels) {
        this.backend = backend;
        this.kernels = kernels;
    }

    /** Copies each input into its slab of the output: the strided copy handles any layout. */
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

    /** out[p, i, q] = x[p, index[i], q] with x viewed as (pre, size, post). */
    NDArray indexSelect(NDArray x, int dim, NDArray index) {
        int[] idx = backend.toHostInts(index);
        NDArray xc = x.contiguous();
        int[] shape = x.shape();
        int size = shape[dim], pre = prefix(shape, dim), post = suffix(shape, dim);
        shape[dim] = idx.length;
        NDArray out = backend.empty(x.dtype(), shape);
        Object src = array(xc), dst = array(out);
        int base = xc.offset(), len = idx.length;
        StridedLoops.forRange(pre * len, post, (from, to) -> {
            for (int r = from; r < to; r++) {
                int p = r / len, i = r - p * len;
                System.arraycopy(src, base + (p * size + idx[i]) * post, dst, r * post, post);
            }
        });
        return out;
    }

    /**
     * dst[p, index[i], q] += src[p, i, q]. Repeated indices accumulate in index order; threads split the
     * (pre, post) positions, never the index list, so no two threads add into the same element.
     */
    void indexAddInto(NDArray dst, int dim, NDArray index, NDArray src) {
        int[] idx = backend.toHostInts(index);
        NDArray target = dst.isContiguous() ? dst : dst.copy();
        NDArray s = src.contiguous();
        int[] shape = dst.shape();
        int size = shape[dim], pre = prefix(shape, dim), post = suffix(shape, dim), len = idx.length;
        float[] d = CpuBackend.floats(target), sv = CpuBackend.floats(s);
        int dBase = target.offset(), sBase = s.offset();
        int threads = Parallel.threads();
        int blocks = pre >= threads ? 1 : Math.max(1, Math.min((threads + pre - 1) / pre, post / 64));
        int blockLen = post == 0 ? 0 : (post + blocks - 1) / blocks;
        int blockCount = post == 0 ? 0 : (post + blockLen - 1) / blockLen;
        StridedLoops.forRange(pre * blockCount, (long) len * blockLen, (from, to) -> {
            for (int u = from; u < to; u++) {
                int p = u / blockCount, q0 = (u - p * blockCount) * blockLen, n = Math.min(blockLen, post - q0);
                for (int i = 0; i < len; i++) {
                    int dOff = dBase + (p * size + idx[i]) * post + q0;
                    int sOff = sBase + (p * len + i) * post + q0;
                    kernels.binary(BinaryOp.ADD, d, dOff, 1, sv, sOff, 1, d, dOff, n);
                }
            }
        });
        if (target != dst) backend.copyInto(target, dst);
    }

    /** out[..., j, ...] = x[..., index[..., j, ...], ...] along dim; out has index's shape. */
    NDArray gather(NDArray x, int dim, NDArray index) {
        int[] xStrides = x.strides();
        int step = xStrides[dim];
        xStrides[dim] = 0; // the position along dim comes from the index, not the walk
        NDArray out = backend.empty(x.dtype(), index.shape());
        StridedLoops.Plan p = new StridedLoops.Plan(index.shape(),
                new int[][] {out.strides(), index.strides(), xStrides},
                new int[] {0, index.offset(), x.offset()}, true);
        int[] ix = CpuBackend.ints(index);
        int so = p.innerStride(0), si = p.innerStride(1), sx = p.innerStride(2);
        if (x.dtype() == DType.FLOAT32) {
            float[] xs = CpuBackend.floats(x), o = CpuBackend.floats(out);
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                for (int j = 0; j < n; j++) o[off[0] + j * so] = xs[off[2] + j * sx + ix[off[1] + j * si] * step];
            });
        } else {
            int[] xs = CpuBackend.ints(x), o = CpuBackend.ints(out);
            StridedLoops.forEachRun(p, 1, (off, n) -> {
                for (int j = 0; j < n; j++) o[off[0] + j * so] = xs[off[2] + j * sx + ix[off[1] + j * si] * step];
            });
        }
        return out;
    }

    /**
     * dst[..., index[..., j, ...], ...] += src[..., j, ...] along dim. One thread, in the index's row-major
     * order: several source elements may land on one destination element, and a fixed order keeps the sum
     * reproducible.
     */
    void scatterAddInto(NDArray dst, int dim, NDArray index, NDArray src) {
        int[] dStrides = dst.strides();
        int step = dStrides[dim];
        dStrides[dim] = 0;
        StridedLoops.Plan p = new StridedLoops.Plan(index.shape(),
                new int[][] {src.strides(), index.strides(), dStrides},
                new int[] {src.offset(), index.offset(), dst.offset()}, false);
        float[] s = CpuBackend.floats(src), d = CpuBackend.floats(dst);
        int[] ix = CpuBackend.ints(index);
        int ss = p.innerStride(0), si = p.innerStride(1), sd = p.innerStride(2);
        StridedLoops.walk(p, (off, n) -> {
            for (int j = 0; j < n; j++) d[off[2] + j * sd + ix[off[1] + j * si] * step] += s[off[0] + j * ss];
        });
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

    /** The backing Java array of a CPU array, whatever its dtype, for System.arraycopy. */
    private static Object array(NDArray x) {
        return x.dtype() == DType.FLOAT32 ? CpuBackend.floats(x) : CpuBackend.ints(x);
    }
}
