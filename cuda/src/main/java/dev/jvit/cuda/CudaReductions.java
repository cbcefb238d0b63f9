package dev.jvit.cuda;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.ReduceOp;

/**
 * Reductions on the GPU, the simplest correct way: permute the reduced dimensions to the end (a view), make
 * that contiguous, and reduce each row of the result with one block (reductions.cu). The rows come out in
 * the row-major order of the kept dimensions, which is exactly the contiguous layout of the result.
 */
final class CudaReductions {
    private final CudaBackend backend;

    CudaReductions(CudaBackend backend) {
        this.backend = backend;
    }

    NDArray reduce(ReduceOp op, NDArray x, int[] dims, boolean keepDim) {
        CudaBackend.requireFloat(x);
        Rows r = rows(x, dims);
        NDArray out = backend.empty(DType.FLOAT32, r.keepShape);
        if (r.rows > 0) {
            backend.api().launch("reductions", "reduce_rows", Grid.forRows(r.rows, r.len), KernelCodes.of(op),
                    r.rows, r.len, backend.ptr(r.data), backend.ptr(out), (float) r.len);
        }
        return keepDim ? out : out.view(r.dropShape);
    }

    /** sum((x - mean)^2) / max(0, n - correction) over dims, as CpuReductions computes it. */
    NDArray variance(NDArray x, int[] dims, int correction, boolean keepDim) {
        CudaBackend.requireFloat(x);
        Rows r = rows(x, dims);
        NDArray out = backend.empty(DType.FLOAT32, r.keepShape);
        if (r.rows > 0) {
            float divisor = Math.max(0, (long) r.len - correction); // torch clamps at 0: inf or NaN
            backend.api().launch("reductions", "variance_rows", Grid.forRows(r.rows, r.len), r.rows, r.len,
                    backend.ptr(r.data), backend.ptr(out), divisor);
        }
        return keepDim ? out : out.view(r.dropShape);
    }

    /** Index of the first largest element along dim; a NaN counts as largest, as in torch.argmax. */
    NDArray argmax(NDArray x, int dim, boolean keepDim) {
        CudaBackend.requireFloat(x);
        Rows r = rows(x, new int[] {dim});
        NDArray out = backend.empty(DType.INT32, r.keepShape);
        if (r.rows > 0) {
            backend.api().launch("reductions", "argmax_rows", Grid.forRows(r.rows, r.len), r.rows, r.len,
                    backend.ptr(r.data), backend.ptr(out));
        }
        return keepDim ? out : out.view(r.dropShape);
    }

    /**
     * x rearranged as contiguous (rows, len): kept dims first (in order), reduced dims last.
     *
     * @param keepShape x's shape with the reduced dims set to 1
     * @param dropShape x's shape without the reduced dims
     */
    private record Rows(NDArray data, int rows, int len, int[] keepShape, int[] dropShape) {}

    private Rows rows(NDArray x, int[] dims) {
        int[] shape = x.shape();
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) reduced[d] = true;
        int[] perm = new int[shape.length], keepShape = shape.clone();
        int[] dropShape = new int[shape.length - dims.length];
        int p = 0, q = 0;
        long rows = 1, len = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) continue;
            perm[p++] = d;
            dropShape[q++] = shape[d];
            rows *= shape[d];
        }
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) continue;
            perm[p++] = d;
            keepShape[d] = 1;
            len *= shape[d];
        }
        if (rows > Integer.MAX_VALUE || len > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("reduction of " + dev.jvit.core.Shape.str(shape) + " is too large");
        }
        NDArray data = rows == 0 ? x : backend.contiguous(x.permute(perm));
        return new Rows(data, (int) rows, (int) len, keepShape, dropShape);
    }
}
