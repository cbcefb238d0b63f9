package dev.jvit.nn.functional;

import dev.jvit.autograd.Function;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.GeluApproximation;

import java.util.Arrays;

/**
 * The stateless side of the layers, after {@code torch.nn.functional}: static functions of tensors that
 * the layers call with their parameters, usable directly when no module is wanted.
 */
public final class Functional {
    /** PyTorch's default ignore_index for cross-entropy. */
    public static final int IGNORE_INDEX = -100;

    private Functional() {}

    /**
     * y = x · weightᵀ + bias. x is (..., in), weight (out, in), bias (out) or null; y is (..., out). The
     * leading dimensions are folded into one, so both the forward and the weight gradient are a single GEMM
     * rather than a batch of them summed afterwards.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2) throw new IllegalArgumentException("linear weight must be (out, in), got " + Shape.str(weight.shape()));
        int out = weight.size(0), in = weight.size(1);
        if (x.rank() < 1 || x.size(-1) != in) {
            throw new IllegalArgumentException("linear expects input (..., " + in + ") for weight " + Shape.str(weight.shape())
                    + ", got " + Shape.str(x.shape()));
        }
        if (bias != null && (bias.rank() != 1 || bias.size(0) != out)) {
            throw new IllegalArgumentException("linear bias must be (" + out + "), got " + Shape.str(bias.shape()));
        }
        int[] s = x.shape();
        Tensor x2 = x.reshape(-1, in);
        Tensor y = bias == null ? Function.apply(new dev.jvit.autograd.ops.Linear(), x2, weight)
                : Function.apply(new dev.jvit.autograd.ops.Linear(), x2, weight, bias);
        s[s.length - 1] = out;
        return y.reshape(s);
    }

    /** Softmax over dim. */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /** Log-softmax over dim. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** Layer norm over the last dimension (C); weight and bias are (C) or null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return x.layerNorm(weight, bias, eps);
    }

    public static Tensor gelu(Tensor x, GeluApproximation approximation) {
        return x.gelu(approximation);
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** Inverted dropout: zero with probability p and scale the rest by 1/(1-p) when training; else x. */
    public static Tensor dropout(Tensor x, float p, Generator generator, boolean training) {
        return x.dropout(p, generator, training);
    }

    /**
     * Stochastic depth (timm's drop_path): each sample of x (B, ...) is zeroed as a whole with probability p
     * and the survivors scaled by 1/(1-p), so a residual branch is skipped for some samples of the batch.
     * The identity when not training or p is 0.
     */
    public static Tensor dropPath(Tensor x, float p, Generator generator, boolean training) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("drop path probability must be in [0, 1], got " + p);
        if (!training || p == 0f) return x;
        if (x.rank() < 1) throw new IllegalArgumentException("dropPath needs a batch dimension, got a scalar");
        int[] s = new int[x.rank()];
        Arrays.fill(s, 1);
        s[0] = x.size(0);
        NDArray mask;
        if (p == 1f) {
            mask = NDArray.full(0f, x.device(), s); // 1/(1-p) would turn 0 * inf into NaN
        } else {
            mask = NDArray.empty(DType.FLOAT32, x.device(), s); // one keep-or-drop per sample, as dropout's mask
            mask.backend().dropoutMask(mask, p, generator);
        }
        return x.mul(Tensor.of(mask));
    }

    /** The attention output (..., Nq, Dv) and the probabilities (..., Nq, Nk) it was computed from. */
    public record AttentionOutput(Tensor output, Tensor weights) {}

    /**
     * softmax(q · kᵀ · scale + mask) · v with dropout on the probabilities. q is (..., Nq, D), k (..., Nk, D),
     * v (..., Nk, Dv); the leading dimensions (batch, heads) broadcast. mask may be null; scale is usually
     * 1/sqrt(D).
     */
    public static AttentionOutput attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale,
                                            float dropoutP, Generator generator, boolean training) {
        if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2) {
            throw new IllegalArgumentException("attention needs q, k, v of rank >= 2, got " + Shape.str(q.shape()) + ", "
                    + Shape.str(k.shape()) + ", " + Shape.str(v.shape()));
        }
        if (q.size(-1) != k.size(-1)) {
            throw new IllegalArgumentException("attention q " + Shape.str(q.shape()) + " and k " + Shape.str(k.shape())
                    + " differ in head dimension");
        }
        if (k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException("attention k " + Shape.str(k.shape()) + " and v " + Shape.str(v.shape())
                    + " differ in sequence length");
        }
        // scale q (..., Nq, D) rather than the scores (..., Nq, Nk), as timm does: fewer elements when Nk > D
        Tensor scores = q.mul(scale).matmul(k.mT()); // (..., Nq, Nk)
        if (mask != null) scores = mask.apply(scores);
        Tensor weights = scores.softmax();
        Tensor dropped = dropout(weights, dropoutP, generator, training);
        return new AttentionOutput(dropped.matmul(v), weights);
    }

    /**
     * Multi-head self-attention straight from timm's fused qkv projection, as one graph node with the backend's
     * fused kernel: qkv (B, N, 3·H·D) laid out as (B, N, 3, H, D) gives the merged heads (B, N, H·D) and the
     * probabilities (B, H, N, N), the latter detached. No mask and no dropout on the probabilities: use
     * {@link #attention} for those. Equal to splitting qkv into (B, H, N, D) views, {@link #attention}, and
     * merging the heads back, without the copies.
     */
    public static AttentionOutput qkvAttention(Tensor qkv, int heads, float scale) {
        dev.jvit.autograd.ops.QkvAttention op = new dev.jvit.autograd.ops.QkvAttention(heads, scale);
        Tensor out = Function.apply(op, qkv);
        return new AttentionOutput(out, Tensor.of(op.probs()));
    }

    /** PyTorch's scaled_dot_product_attention with scale 1/sqrt(D); returns (..., Nq, Dv). */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float dropoutP,
                                                   Generator generator, boolean training) {
        float scale = (float) (1.0 / Math.sqrt(q.size(-1)));
        return attention(q, k, v, mask, scale, dropoutP, generator, training).output();
    }

    // ---- losses ------------------------------------------------------------------------------------

    /** Mean cross-entropy of logits (B, C) against INT32 class indices (B) or FLOAT32 probabilities (B, C). */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, 0f, IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * Cross-entropy with PyTorch's options; see {@link CrossEntropy} for the semantics. The target is not
     * differentiated. NONE gives the per-row losses (B), zero on ignored rows.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, float labelSmoothing, int ignoreIndex,
                                      Reduction reduction) {
        return Function.apply(new CrossEntropy(target.value(), labelSmoothing, ignoreIndex, reduction), logits);
    }

    /** Mean squared error between equally shaped tensors; both may require gradients. */
    public static Tensor mse(Tensor input, Tensor target) {
        return mse(input, target, Reduction.MEAN);
    }

    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mse needs equal shapes, got " + Shape.str(input.shape()) + " and "
                    + Shape.str(target.shape()));
        }
        Tensor d = input.sub(target);
        Tensor sq = d.mul(d);
        return switch (reduction) {
            case MEAN -> sq.mean();
            case SUM -> sq.sum();
            case NONE -> sq;
        };
    }
}
