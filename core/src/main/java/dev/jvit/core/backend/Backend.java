package dev.jvit.core.backend;

import dev.jvit.core.DType;
import dev.jvit.core.Device;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;

/**
 * The closed kernel set every backend implements. {@link NDArray} checks shapes, dtypes and devices and
 * words the errors; a backend receives operands that already agree (same device, broadcast-compatible
 * shapes, right dtypes) and only computes. Inputs may be arbitrary strided views (transposed, sliced,
 * expanded with stride 0); outputs a backend allocates are contiguous. Methods ending in {@code Into}
 * write into a caller-given array, which may itself be a strided view, so in-place updates need no copy.
 */
public interface Backend {

    /** A short name for messages, e.g. "cpu (simd)". */
    String name();

    /** The device this backend computes on. */
    Device device();

    // ---- memory -----------------------------------------------------------------------------------

    /** A new contiguous array with unspecified contents. */
    NDArray empty(DType dtype, int[] shape);

    NDArray fromHost(float[] data, int[] shape);

    NDArray fromHost(int[] data, int[] shape);

    /** The elements in row-major order as a new host array (x may be any view). FLOAT32 only. */
    float[] toHostFloats(NDArray x);

    /** As {@link #toHostFloats} for INT32 arrays. */
    int[] toHostInts(NDArray x);

    void fill(NDArray dst, float value);

    /** dst[...] = src[...], where src broadcasts to dst's shape; dtypes may differ (converts). */
    void copyInto(NDArray src, NDArray dst);

    // ---- elementwise ------------------------------------------------------------------------------

    /** out = op(x); out has x's shape. */
    void unaryInto(UnaryOp op, NDArray x, NDArray out);

    /** out = x ^ exponent. */
    void powScalarInto(NDArray x, float exponent, NDArray out);

    /** out = op(a, b) with a and b broadcast to out's shape. */
    void binaryInto(BinaryOp op, NDArray a, NDArray b, NDArray out);

    /** out = cond != 0 ? a : b, all three broadcast to out's shape. */
    void whereInto(NDArray cond, NDArray a, NDArray b, NDArray out);

    // ---- reductions -------------------------------------------------------------------------------

    /**
     * Reduces x over the given dimensions (sorted, distinct, non-negative). The result has x's shape
     * with those dimensions set to 1 when keepDim, else removed.
     */
    NDArray reduce(ReduceOp op, NDArray x, int[] dims, boolean keepDim);

    /** Variance over dims with {@code sum((x - mean)^2) / (n - correction)}. */
    NDArray variance(NDArray x, int[] dims, int correction, boolean keepDim);

    /** Index of the largest element along dim (first one on ties), as INT32. */
    NDArray argmax(NDArray x, int dim, boolean keepDim);

    // ---- linear algebra ---------------------------------------------------------------------------

    /**
     * Matrix product with PyTorch's matmul rules restricted to rank >= 2: a is (..., M, K), b is
     * (..., K, N), batch dimensions broadcast, result (..., M, N). Transposed views (stride 1 along M or K)
     * are read in place, without copying.
     */
    NDArray matmul(NDArray a, NDArray b);

    /**
     * A fully connected layer, y = x · weightᵀ + bias, with x (M, K), weight (N, K) and bias (N) or null; y is
     * (M, N). The default composes matmul and a broadcast add; a backend may fuse the bias into the product
     * (the CPU backend starts the GEMM's accumulator from the bias rows, saving a pass over y).
     */
    default NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        NDArray y = matmul(x, weight.mT());
        return bias == null ? y : y.add(bias);
    }

    // ---- movement and indexing --------------------------------------------------------------------

    /** Joins arrays that agree on every dimension but dim. */
    NDArray concat(NDArray[] xs, int dim);

    /** out = x.indexSelect(dim, index): index is 1-D INT32; out's dim has index.length entries. */
    NDArray indexSelect(NDArray x, int dim, NDArray index);

    /** dst.indexSelect(dim, index) += src: the backward of indexSelect; repeated indices accumulate. */
    void indexAddInto(NDArray dst, int dim, NDArray index, NDArray src);

    /** out[i][j][k] = x[i][index[i][j][k]][k] for dim=1 (torch.gather); index has out's shape. */
    NDArray gather(NDArray x, int dim, NDArray index);

    /** dst[i][index[i][j][k]][k] += src[i][j][k] for dim=1: the backward of gather. */
    void scatterAddInto(NDArray dst, int dim, NDArray index, NDArray src);

    // ---- convolution as GEMM ---------------------------------------------------------------------

    /**
     * Unfolds the sliding windows of an image batch: x is (B, C, H, W), the result is (B, Ho*Wo, C*kh*kw)
     * with column c*kh*kw + i*kw + j holding x[b, c, oh*sh - ph + i, ow*sw - pw + j] (zero in the padding).
     * Rows run over output positions so that a convolution is one GEMM against the weight (O, C*kh*kw)
     * transposed, and its result (B, Ho*Wo, O) is already the token layout a patch embedding wants.
     */
    NDArray im2col(NDArray x, Conv2dGeometry geometry);

    /**
     * The adjoint of {@link #im2col}: cols is (B, Ho*Wo, C*kh*kw); every entry is added back to the image
     * position it was read from, so overlapping windows accumulate. Returns (B, C, H, W).
     */
    NDArray col2im(NDArray cols, int channels, int height, int width, Conv2dGeometry geometry);

    // ---- random -----------------------------------------------------------------------------------

    /**
     * Fills dst with uniform values in [low, high). Takes one key from g (g.nextLong()) and gives the element
     * at row-major index i the value {@code low + (high-low) * Generator.uniformAt(key, i)}: the same for a
     * given seed on any number of threads. Other backends may use their own counter-based stream.
     */
    void uniform(NDArray dst, float low, float high, Generator g);

    /**
     * Fills dst with an inverted-dropout mask for probability p in [0, 1): each element is 1/(1-p) with
     * probability 1-p, else 0, drawn from g as a function of the seed and the element's row-major index only.
     * The default composes {@code uniform(dst, 0, 1, g)}, {@code >= p} and {@code * 1/(1-p)}; a backend may
     * fuse them and draw differently (the CPU backend hashes each element's index to 24 bits), so masks are reproducible
     * per backend, not across backends.
     */
    default void dropoutMask(NDArray dst, float p, Generator g) {
        uniform(dst, 0f, 1f, g);
        dst.binaryInPlace(BinaryOp.GE, NDArray.full(p, dst.device()));
        dst.binaryInPlace(BinaryOp.MUL, NDArray.full(1f / (1f - p), dst.device()));
    }

    /**
     * Inverted dropout whose mask is never stored: x times the mask {@code dropoutMask(m, p, new Generator(seed))}
     * draws for x's shape (element by row-major index), p in [0, 1). The backward is the same call on the
     * gradient with the same seed, so a training step keeps a seed per dropout instead of a mask the size of
     * the activation. The default draws that mask and multiplies; a backend may fuse the two.
     */
    default NDArray dropout(NDArray x, float p, long seed) {
        NDArray mask = NDArray.empty(DType.FLOAT32, x.device(), x.shape());
        dropoutMask(mask, p, new Generator(seed));
        return x.mul(mask);
    }

    /** Fills dst with normal values: as {@link #uniform}, with {@code Generator.gaussianAt(key, i)}. */
    void normal(NDArray dst, float mean, float std, Generator g);

    // ---- fused ops (last dimension) ---------------------------------------------------------------

    NDArray softmax(NDArray x);

    NDArray logSoftmax(NDArray x);

    /** dx = y * (dy - sum(dy * y)) per row, given y = softmax(x). */
    NDArray softmaxBackward(NDArray y, NDArray dy);

    /** dx = dy - exp(y) * sum(dy) per row, given y = logSoftmax(x). */
    NDArray logSoftmaxBackward(NDArray y, NDArray dy);

    /**
     * Multi-head self-attention straight from timm's fused qkv projection, without the permutes:
     * qkv is (B, N, 3·H·D) laid out as (B, N, 3, H, D); per head, P = softmax(q·kᵀ·scale) and out = P·v.
     * The default composes it from the primitive ops (the reference the fused kernels are tested against);
     * a backend overrides it with a kernel that keeps each head's N x N scores in cache.
     */
    default AttentionResult attention(NDArray qkv, int heads, float scale) {
        return AttentionReference.forward(qkv, heads, scale);
    }

    /**
     * The gradient of {@link #attention} with respect to qkv, (B, N, 3·H·D), given the forward's probs
     * (B, H, N, N) and dOut (B, N, H·D). With dS = P ∘ (dP − rowsum(dP ∘ P)) and dP = dO·vᵀ:
     * dq = dS·k·scale, dk = dSᵀ·q·scale, dv = Pᵀ·dO.
     */
    default NDArray attentionBackward(NDArray qkv, NDArray probs, NDArray dOut, int heads, float scale) {
        return AttentionReference.backward(qkv, probs, dOut, heads, scale);
    }

    /** Layer norm over the last dimension C; weight and bias are (C) or null. */
    LayerNormResult layerNorm(NDArray x, NDArray weight, NDArray bias, float eps);

    LayerNormGrads layerNormBackward(NDArray dy, NDArray x, NDArray weight, NDArray mean, NDArray rstd,
                                     boolean hasBias);

    NDArray gelu(NDArray x, GeluApproximation approximation);

    /** dx = dy * gelu'(x). */
    NDArray geluBackward(NDArray x, NDArray dy, GeluApproximation approximation);

    /**
     * {@code dropout(gelu(x), p, seed)}: the activation and dropout of a transformer MLP's hidden layer, its
     * largest activation, as one op. The default composes the two; a backend may run them in one pass over
     * memory, drawing the same mask as {@link #dropout} does for the seed, so a model gives the same numbers
     * fused or not. p in [0, 1).
     */
    default NDArray geluDropout(NDArray x, GeluApproximation approximation, float p, long seed) {
        return dropout(gelu(x, approximation), p, seed);
    }

    /** The gradient of {@link #geluDropout}: {@code geluBackward(x, dropout(dy, p, seed))}. */
    default NDArray geluDropoutBackward(NDArray x, NDArray dy, GeluApproximation approximation, float p, long seed) {
        return geluBackward(x, dropout(dy, p, seed), approximation);
    }

    // ---- optimizer updates (fused, in place) ------------------------------------------------------

    /**
     * One Adam or AdamW step for one parameter, in place on param, expAvg and expAvgSq, with PyTorch's
     * single-tensor semantics. All four arrays have the same shape; grad is only read. Hyper-parameters are
     * doubles because PyTorch computes its scalars ({@code 1 - beta2}, the bias corrections, the step size)
     * in double before the float32 kernel sees them; doing the same keeps results equal to PyTorch's.
     * <pre>
     *   g  = grad + weightDecay * param            (Adam, decoupled = false: L2 folded into the gradient)
     *   param *= 1 - lr * weightDecay              (AdamW, decoupled = true)
     *   m  = beta1 * m + (1 - beta1) * g
     *   v  = beta2 * v + (1 - beta2) * g * g
     *   param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
     * </pre>
     * step counts from 1 (the first update).
     */
    void adamUpdate(NDArray param, NDArray grad, NDArray expAvg, NDArray expAvgSq, double lr, double beta1,
                    double beta2, double eps, double weightDecay, boolean decoupled, long step);

    /**
     * One SGD step for one parameter, in place on param and momentumBuffer, with PyTorch's semantics.
     * momentumBuffer is null exactly when momentum is 0; on the first step it is overwritten with d
     * (PyTorch clones the gradient there), later steps blend with dampening.
     * <pre>
     *   d = grad + weightDecay * param
     *   buf = firstStep ? d : momentum * buf + (1 - dampening) * d
     *   d = nesterov ? d + momentum * buf : buf        (only when momentum != 0)
     *   param -= lr * d
     * </pre>
     */
    void sgdUpdate(NDArray param, NDArray grad, NDArray momentumBuffer, double lr, double momentum,
                   double dampening, boolean nesterov, double weightDecay, boolean firstStep);
}
