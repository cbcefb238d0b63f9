package dev.jvit.core.cpu;

import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.UnaryOp;

/**
 * The row kernels of the CPU backend. {@link CpuBackend} walks the outer dimensions of strided arrays and
 * hands each innermost run ("row") to these methods; a kernel sees flat {@code float[]}s, an offset and,
 * where a row may be strided, an element stride (1 for contiguous rows and 0 for broadcast ones are the
 * fast cases). Two implementations exist and must agree: {@link ScalarKernels}, plain loops that are the
 * reference, and {@link SimdKernels}, the Vector API versions that are shipped. Outputs are contiguous
 * runs starting at {@code outOff}. Kernels never allocate and never start threads.
 */
public interface CpuKernels {

    String name();

    /** out[outOff + i] = op(x[xOff + i*xStride]) for i in [0, n). */
    void unary(UnaryOp op, float[] x, int xOff, int xStride, float[] out, int outOff, int n);

    /** out[outOff + i] = x[xOff + i*xStride] ^ exponent. */
    void powScalar(float[] x, int xOff, int xStride, float exponent, float[] out, int outOff, int n);

    /** out[outOff + i] = op(a[aOff + i*aStride], b[bOff + i*bStride]). */
    void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                float[] out, int outOff, int n);

    /** Sum of x[off + i*stride], i in [0, n). */
    float sum(float[] x, int off, int stride, int n);

    /** Largest of x[off + i*stride]; n >= 1. */
    float max(float[] x, int off, int stride, int n);

    /** Smallest of x[off + i*stride]; n >= 1. */
    float min(float[] x, int off, int stride, int n);

    /**
     * acc[accOff + i] = combine(acc[accOff + i], x[xOff + i*xStride]) where combine is + for SUM/MEAN,
     * max for MAX and min for MIN: reduces an outer dimension row by row, keeping the inner one vectorised.
     */
    void accumulate(dev.jvit.core.backend.ReduceOp op, float[] x, int xOff, int xStride, float[] acc, int accOff, int n);

    /**
     * {@link #accumulate} of rows input rows, row r starting at x[xOff + r·rowStride], folded in row order: the
     * column sums of a bias gradient. The default calls accumulate row by row.
     */
    default void accumulateRows(dev.jvit.core.backend.ReduceOp op, float[] x, int xOff, int rowStride, int rows,
                                int xStride, float[] acc, int accOff, int n) {
        for (int r = 0; r < rows; r++) accumulate(op, x, xOff + r * rowStride, xStride, acc, accOff, n);
    }

    /** Softmax of one contiguous row of length n: out = exp(x - max) / sum(exp(x - max)). */
    void softmaxRow(float[] x, int xOff, float[] out, int outOff, int n);

    /** Log-softmax of one contiguous row: out = x - max - log(sum(exp(x - max))). */
    void logSoftmaxRow(float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * One head of multi-head attention (see {@link ScalarAttention} for the layout): probs (N x N at pOff) =
     * softmax((q·scale)·kᵀ), out rows (D floats at oOff + i·ors) = probs·v. scratch holds at least
     * {@link #attentionScratch} floats.
     */
    void attentionHead(float[] qkv, int qBase, int kBase, int vBase, int rowStride, int n, int d, float scale,
                       float[] probs, int pOff, float[] out, int oOff, int outRowStride, float[] scratch);

    /** The backward of {@link #attentionHead}: dq, dk, dv rows into dqkv, which has qkv's layout and row stride. */
    void attentionHeadBackward(float[] qkv, int qBase, int kBase, int vBase, int rowStride, int n, int d, float scale,
                               float[] probs, int pOff, float[] dOut, int dBase, int dRowStride,
                               float[] dqkv, int dqBase, int dkBase, int dvBase, float[] scratch);

    /**
     * Inverted dropout of the elements [from, to) of a mask keyed by key: out[outOff + i] = x[xOff + i] times
     * scale where the element's 24-bit hash ({@link ScalarKernels#dropoutBits}) is at least threshold, else
     * times 0. The hash is integer arithmetic, so both kernels drop the same elements for a key whatever the
     * thread split. out may be x.
     */
    void dropout(float[] x, int xOff, float[] out, int outOff, int from, int to, long key, int threshold, float scale);

    /** Scratch floats one attention head of N tokens and width D needs (the SIMD kernel's layout; the scalar one needs less). */
    default int attentionScratch(int n, int d) {
        return SimdAttention.scratchFloats(n, d);
    }

    /** dx = y * (dy - dot(dy, y)) for one row, y the softmax output. */
    void softmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** dx = dy - exp(y) * sum(dy) for one row, y the log-softmax output. */
    void logSoftmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /**
     * Layer norm of one contiguous row of length n: y = (x - mean) * rstd * w + b, with w and b of length n
     * or null (meaning 1 and 0), rstd = 1/sqrt(biased variance + eps). Writes the row's statistics to
     * mean[row] and rstd[row] for the backward pass.
     */
    void layerNormRow(float[] x, int xOff, float[] w, float[] b, float eps, float[] y, int yOff, int n,
                      float[] mean, float[] rstd, int row);

    /**
     * Backward of one layer-norm row (llm.c's layernorm_backward): writes dx for the row and ADDS this row's
     * contributions to dw (dy * xhat) and db (dy), which may be null when not wanted. w may be null (1).
     */
    void layerNormBackwardRow(float[] dy, int dyOff, float[] x, int xOff, float[] w, float mean, float rstd,
                              float[] dx, int dxOff, float[] dw, float[] db, int n);

    /**
     * {@link #layerNormRow} on rows [from, to) of a contiguous block of rows of length n, row r at
     * x[xOff + r*n] and y[yOff + r*n], its statistics at mean[r] and rstd[r]. A kernel set may specialise
     * narrow rows, whose per-row loop overhead outweighs the arithmetic; the results must be the same bits as
     * the row-by-row loop.
     */
    default void layerNormRows(float[] x, int xOff, float[] w, float[] b, float eps, float[] y, int yOff, int n,
                               float[] mean, float[] rstd, int from, int to) {
        for (int r = from; r < to; r++) layerNormRow(x, xOff + r * n, w, b, eps, y, yOff + r * n, n, mean, rstd, r);
    }

    /**
     * {@link #layerNormBackwardRow} on rows [from, to) of contiguous blocks laid out as in
     * {@link #layerNormRows}, the rows' contributions added to dw and db in row order; same bits as the
     * row-by-row loop.
     */
    default void layerNormBackwardRows(float[] dy, int dyOff, float[] x, int xOff, float[] w, float[] mean,
                                       float[] rstd, float[] dx, int dxOff, float[] dw, float[] db, int n,
                                       int from, int to) {
        for (int r = from; r < to; r++) {
            layerNormBackwardRow(dy, dyOff + r * n, x, xOff + r * n, w, mean[r], rstd[r], dx, dxOff + r * n, dw, db, n);
        }
    }

    /** out = gelu(x) over a contiguous run. */
    void gelu(GeluApproximation approximation, float[] x, int xOff, float[] out, int outOff, int n);

    /** dx = dy * gelu'(x) over contiguous runs. */
    void geluBackward(GeluApproximation approximation, float[] x, int xOff, float[] dy, int dyOff,
                      float[] dx, int dxOff, int n);

    /**
     * One Adam/AdamW step over contiguous runs of length n, in place on p, m and v. The scalars come
     * precomputed (in double, then rounded) from {@link CpuOptimizer}:
     * <pre>
     *   g = g + l2 * p;  p = p * decay
     *   m = beta1 * m + oneMinusBeta1 * g;  v = beta2 * v + (oneMinusBeta2 * g) * g
     *   p = p - stepSize * (m / (sqrt(v) / bc2Sqrt + eps))
     * </pre>
     * with l2 = 0 for AdamW and decay = 1 for Adam. Both implementations use fma in the same places, so
     * they agree bit for bit.
     */
    void adamUpdate(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                    float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float l2,
                    float decay, float stepSize, float bc2Sqrt);

    /**
     * One SGD step over contiguous runs, in place on p and buf (null when momentum is 0):
     * {@code d = g + weightDecay * p; buf = firstStep ? d : momentum * buf + oneMinusDampening * d;
     * d = nesterov ? d + momentum * buf : buf; p = p - lr * d}.
     */
    void sgdUpdate(float[] p, int pOff, float[] g, int gOff, float[] buf, int bufOff, int n, float lr,
                   float momentum, float oneMinusDampening, boolean nesterov, float weightDecay, boolean firstStep);
}
