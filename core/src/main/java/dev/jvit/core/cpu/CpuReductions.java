package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.ReduceOp;

/**
 * Reductions of the CPU backend (sum, mean, max, min over any set of dimensions, variance, argmax).
 * Two strategies, picked from x's memory layout:
 * <ul>
 *   <li>rows: when x's innermost dimension is reduced (a softmax denominator, a mean over features), each
 *       output element is the reduction of strided runs, computed by the row kernels {@code sum/max/min};
 *       threads take different output elements, or, when there are few outputs and many inputs, fixed
 *       pieces of one output's inputs whose partial results are combined in order.</li>
 *   <li>columns: when x's innermost dimension is kept (a bias gradient, a sum over the batch), whole
 *       input rows are folded into a contiguous output row with {@code accumulate}, so the inner loop stays
 *       vectorised; threads take different blocks of output columns.</li>
 * </ul>
 * Neither split depends on the thread count, so results are the same with 1 thread or 16.
 */
final class CpuReductions {
    /** The piece of one output's inputs reduced as a unit when a few outputs have many inputs. */
    private static final int PIECE = StridedLoops.GRAIN / 2;
    /** Reduced rows the column strategy folds as one unit of work (see {@link #reduceColumns}). */
    private static final int COLUMN_PIECE = 1024;

    private final CpuBackend backend;
    private final CpuKernels kernels;

    CpuReductions(CpuBackend backend, CpuKernels kernels) {
        this.backend = backend;
        this.kernels = kernels;
    }

    NDArray reduce(ReduceOp op, NDArray x, int[] dims, boolean keepDim) {
        int[] shape = x.shape();
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) reduced[d] = true;
        int[] keepShape = shape.clone();
        long count = 1;
        for (int d : dims) {
            keepShape[d] = 1;
            count *= shape[d];
        }
        NDArray out = backend.empty(DType.FLOAT32, keepShape);
        if (x.numel() == 0) {
            backend.fill(out, 0f); // an empty sum is 0, an empty mean 0/0 = NaN below
        } else {
            reduceInto(op, x, reduced, out);
        }
        if (op == ReduceOp.MEAN) {
            float[] o = CpuBackend.floats(out);
            float c = count;
            for (int i = 0; i < o.length; i++) o[i] /= c;
        }
        return keepDim ? out : out.view(dropDims(shape, reduced));
    }

    /** Variance over dims: sum((x - mean)^2) / (n - correction), two passes for accuracy. */
    NDArray variance(NDArray x, int[] dims, int correction, boolean keepDim) {
        long count = 1;
        for (int d : dims) count *= x.size(d);
        NDArray mean = reduce(ReduceOp.MEAN, x, dims, true);
        NDArray centred = backend.empty(DType.FLOAT32, x.shape());
        backend.binaryInto(BinaryOp.SUB, x, mean, centred);
        backend.binaryInto(BinaryOp.MUL, centred, centred, centred);
        NDArray out = reduce(ReduceOp.SUM, centred, dims, keepDim);
        float divisor = Math.max(0, count - correction); // torch clamps at 0 and returns inf or NaN
        float[] o = CpuBackend.floats(out);
        for (int i = 0; i < o.length; i++) o[i] /= divisor;
        return out;
    }

    /** Index of the first largest element along dim; a NaN counts as largest, as in torch.argmax. */
    NDArray argmax(NDArray x, int dim, boolean keepDim) {
        int[] shape = x.shape();
        int[] keepShape = shape.clone();
        keepShape[dim] = 1;
        NDArray out = backend.empty(DType.INT32, keepShape);
        int len = shape[dim], step = x.stride(dim);
        StridedLoops.Plan p = new StridedLoops.Plan(keepShape, new int[][] {out.strides(), x.strides()},
                new int[] {0, x.offset()}, true);
        float[] xs = CpuBackend.floats(x);
        int[] o = CpuBackend.ints(out);
        int so = p.innerStride(0), sx = p.innerStride(1);
        StridedLoops.forEachRun(p, len, (off, n) -> {
            for (int j = 0; j < n; j++) o[off[0] + j * so] = argmaxRun(xs, off[1] + j * sx, step, len);
        });
        if (keepDim) return out;
        boolean[] drop = new boolean[shape.length];
        drop[dim] = true;
        return out.view(dropDims(shape, drop));
    }

    private static int argmaxRun(float[] x, int off, int stride, int n) {
        int best = 0;
        float bestValue = x[off];
        if (Float.isNaN(bestValue)) return 0;
        for (int i = 1; i < n; i++) {
            float v = x[off + i * stride];
            if (v > bestValue) {
                best = i;
                bestValue = v;
            } else if (Float.isNaN(v)) {
                return i;
            }
        }
        return best;
    }

    // ---- the two strategies -----------------------------------------------------------------------

    /** Writes the reduction of x over the marked dims into out, which is contiguous with x's kept shape. */
    private void reduceInto(ReduceOp op, NDArray x, boolean[] reduced, NDArray out) {
        int[] shape = x.shape(), xStrides = x.strides();
        if (x.isContiguous() && trailing(reduced, shape)) {
            // the common small case (a mean over features, a full sum): contiguous rows, no plans to build
            int count = (int) (x.numel() / out.numel());
            if (count < 2 * PIECE) {
                float[] xs = CpuBackend.floats(x), o = CpuBackend.floats(out);
                int base = x.offset();
                StridedLoops.forRange((int) out.numel(), count, (from, to) -> {
                    for (int i = from; i < to; i++) o[i] = reduceRun(op, xs, base + i * count, 1, count);
                });
                return;
            }
        }
        int[] keepShape = out.shape(), redShape = shape.clone();
        for (int d = 0; d < shape.length; d++) if (!reduced[d]) redShape[d] = 1;
        // the reduced dims in x's memory order, their innermost last
        StridedLoops.Plan red = new StridedLoops.Plan(redShape, new int[][] {xStrides}, new int[] {0}, true);

        int inner = -1, lastKept = -1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (inner < 0 || Math.abs(xStrides[d]) <= Math.abs(xStrides[inner])) inner = d;
            if (!reduced[d]) lastKept = d;
        }
        boolean columns = inner >= 0 && inner == lastKept && red.numel > 1;
        if (columns) {
            reduceColumns(op, x, out, red, inner);
        } else {
            reduceRows(op, x, out, red);
        }
    }

    private void reduceRows(ReduceOp op, NDArray x, NDArray out, StridedLoops.Plan red) {
        StridedLoops.Plan kept = new StridedLoops.Plan(out.shape(), new int[][] {out.strides(), x.strides()},
                new int[] {0, x.offset()}, true);
        float[] xs = CpuBackend.floats(x), o = CpuBackend.floats(out);
        int so = kept.innerStride(0), sx = kept.innerStride(1);
        if (red.numel >= 2L * PIECE) {
            // few outputs, many inputs each: split each output's inputs into pieces instead
            StridedLoops.walk(kept, (off, n) -> {
                for (int j = 0; j < n; j++) o[off[0] + j * so] = reducePieces(op, xs, off[1] + j * sx, red);
            });
        } else {
            StridedLoops.forEachRun(kept, red.numel, (off, n) -> {
                for (int j = 0; j < n; j++) o[off[0] + j * so] = reduceAll(op, xs, off[1] + j * sx, red);
            });
        }
    }

    /** The reduction of every element of plan {@code red} placed at base, sequentially. */
    private float reduceAll(ReduceOp op, float[] x, int base, StridedLoops.Plan red) {
        int s = red.innerStride(0);
        if (red.rank == 1) return reduceRun(op, x, base, s, red.n);
        int[] idx = new int[red.rank], off = {base};
        float acc = identity(op);
        for (int row = 0; row < red.rows; row++) {
            if (row > 0) red.nextRow(idx, off);
            acc = combine(op, acc, reduceRun(op, x, off[0], s, red.n));
        }
        return acc;
    }

    /**
     * As {@link #reduceAll}, split into pieces of about {@link #PIECE} elements (a part of a long run, or
     * several short runs) reduced in parallel and combined in piece order.
     */
    private float reducePieces(ReduceOp op, float[] x, int base, StridedLoops.Plan red) {
        int n = red.n, rows = red.rows, s = red.innerStride(0);
        boolean cutRuns = n >= PIECE;
        int segsPerRow = cutRuns ? (n + PIECE - 1) / PIECE : 0;
        int rowsPerUnit = cutRuns ? 1 : (PIECE + n - 1) / n;
        int units = cutRuns ? rows * segsPerRow : (rows + rowsPerUnit - 1) / rowsPerUnit;
        float[] partial = new float[units];
        StridedLoops.forRange(units, PIECE, (from, to) -> {
            int[] off = new int[1];
            for (int u = from; u < to; u++) {
                if (cutRuns) {
                    int row = u / segsPerRow, start = (u - row * segsPerRow) * PIECE;
                    red.rowOffsets(row, off);
                    partial[u] = reduceRun(op, x, base + off[0] + start * s, s, Math.min(PIECE, n - start));
                } else {
                    float acc = identity(op);
                    for (int row = u * rowsPerUnit, end = Math.min(rows, row + rowsPerUnit); row < end; row++) {
                        red.rowOffsets(row, off);
                        acc = combine(op, acc, reduceRun(op, x, base + off[0], s, n));
                    }
                    partial[u] = acc;
                }
            }
        });
        float acc = identity(op);
        for (float v : partial) acc = combine(op, acc, v);
        return acc;
    }

    /**
     * Column strategy: for each output row (the kept dims other than the innermost one) and each block of
     * its columns, fold every reduced position's input row into the output with {@code accumulate}. The
     * reduced positions are cut into fixed pieces of {@link #COLUMN_PIECE} rows, each folded into its own
     * partial row, and the partials are combined in piece order: a bias gradient (6400 rows of 8 to 32
     * columns: one output row) then spreads over threads, and the cut, hence every sum, does not depend on
     * their number.
     */
    private void reduceColumns(ReduceOp op, NDArray x, NDArray out, StridedLoops.Plan red, int inner) {
        int[] groupShape = out.shape();
        int m = groupShape[inner], xStep = x.stride(inner);
        groupShape[inner] = 1;
        StridedLoops.Plan groups = new StridedLoops.Plan(groupShape, new int[][] {out.strides(), x.strides()},
                new int[] {0, x.offset()}, true);
        int groupCount = (int) groups.numel, threads = Parallel.threads();
        // blocks of columns give threads work when there are few output rows; the sums do not depend on it
        int blocks = groupCount >= threads ? 1 : Math.max(1, Math.min((threads + groupCount - 1) / groupCount, m / 64));
        int blockLen = (m + blocks - 1) / blocks;
        int blockCount = (m + blockLen - 1) / blockLen;
        int pieces = (int) ((red.numel + COLUMN_PIECE - 1) / COLUMN_PIECE), units = groupCount * blockCount;
        float[] xs = CpuBackend.floats(x), o = CpuBackend.floats(out);
        float init = identity(op);
        // one partial row per (output row, piece), combined into o at the end: threads folding neighbouring
        // column blocks straight into o rewrote a shared cache line on every input row (measured: a (6400, 192)
        // column sum took 3 to 8 times longer on 2 threads than on 1); accumulateRows writes its part once
        float[] partial = new float[pieces * m * groupCount];
        // a folded row costs about as much as 16 columns whatever its length (loop and call overhead)
        long pieceWork = Math.min(COLUMN_PIECE, red.numel) * (long) Math.max(blockLen, 16);
        StridedLoops.forRange(units * pieces, pieceWork, (from, to) -> {
            int[] goff = new int[2], idx = new int[red.rank], roff = new int[1];
            for (int w = from; w < to; w++) {
                int u = w / pieces, piece = w - u * pieces;
                int g = u / blockCount, c0 = (u - g * blockCount) * blockLen, len = Math.min(blockLen, m - c0);
                groups.elementOffsets(g, goff);
                int xBase = goff[1] + c0 * xStep, acc = ((g * pieces) + piece) * m + c0;
                if (init != 0f) java.util.Arrays.fill(partial, acc, acc + len, init);
                long e = (long) piece * COLUMN_PIECE, end = Math.min(red.numel, e + COLUMN_PIECE);
                int row = (int) (e / red.n), j = (int) (e - (long) row * red.n);
                red.rowIndex(row, idx);
                red.rowOffsets(row, roff);
                int rs = red.innerStride(0);
                while (e < end) {
                    // the rest of this run of the reduced plan, or of the piece: rows rs apart
                    int count = (int) Math.min(red.n - j, end - e);
                    kernels.accumulateRows(op, xs, xBase + roff[0] + j * rs, rs, count, xStep, partial, acc, len);
                    e += count;
                    j += count;
                    if (j == red.n && e < end) {
                        j = 0;
                        red.nextRow(idx, roff);
                    }
                }
            }
        });
        int[] goff = new int[2];
        for (int g = 0; g < groupCount; g++) {
            groups.elementOffsets(g, goff);
            int first = g * pieces * m;
            System.arraycopy(partial, first, o, goff[0], m);
            for (int piece = 1; piece < pieces; piece++) {
                int at = first + piece * m;
                for (int c = 0; c < m; c++) o[goff[0] + c] = combine(op, o[goff[0] + c], partial[at + c]);
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private float reduceRun(ReduceOp op, float[] x, int off, int stride, int n) {
        return switch (op) {
            case SUM, MEAN -> kernels.sum(x, off, stride, n);
            case MAX -> kernels.max(x, off, stride, n);
            case MIN -> kernels.min(x, off, stride, n);
        };
    }

    private static float identity(ReduceOp op) {
        return switch (op) {
            case SUM, MEAN -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }

    private static float combine(ReduceOp op, float a, float b) {
        return switch (op) {
            case SUM, MEAN -> a + b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    /** Whether every reduced dimension of size > 1 comes after every kept one of size > 1. */
    private static boolean trailing(boolean[] reduced, int[] shape) {
        boolean seenReduced = false;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (reduced[d]) seenReduced = true;
            else if (seenReduced) return false;
        }
        return true;
    }

    private static int[] dropDims(int[] shape, boolean[] drop) {
        int keep = 0;
        for (boolean d : drop) if (!d) keep++;
        int[] s = new int[keep];
        for (int i = 0, j = 0; i < shape.length; i++) if (!drop[i]) s[j++] = shape[i];
        return s;
    }
}
