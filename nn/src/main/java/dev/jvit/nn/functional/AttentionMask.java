package dev.jvit.nn.functional;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

/**
 * A mask for attention scores (B, H, Nq, Nk), broadcast to that shape. jvit has no boolean dtype, so the
 * two kinds PyTorch tells apart by dtype are told apart here by the factory that made them:
 * {@link #additive} adds the mask to the scores (use -inf to block), {@link #allow} keeps positions where
 * the mask is non-zero and blocks the rest (PyTorch's boolean {@code attn_mask} of
 * {@code scaled_dot_product_attention}: true means "may attend").
 *
 * @param mask     FLOAT32 for additive, FLOAT32 or INT32 for allow
 * @param additive true when the mask is added, false when it selects
 */
public record AttentionMask(Tensor mask, boolean additive) {
    public AttentionMask {
        if (mask == null) throw new NullPointerException("attention mask tensor is null");
        if (additive && mask.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("an additive attention mask must be FLOAT32, got " + mask.dtype());
        }
    }

    /** Scores + mask; a row whose every entry is -inf gives NaN, as in PyTorch. */
    public static AttentionMask additive(Tensor mask) {
        return new AttentionMask(mask, true);
    }

    /** Non-zero: may attend; zero: blocked (its probability becomes exactly 0). */
    public static AttentionMask allow(Tensor mask) {
        return new AttentionMask(mask, false);
    }

    /** Applies the mask to scores (..., Nq, Nk). */
    Tensor apply(Tensor scores) {
        int[] s = scores.shape();
        int[] b;
        try {
            b = Shape.broadcast(mask.shape(), s);
        } catch (IllegalArgumentException e) {
            b = null;
        }
        if (b == null || !java.util.Arrays.equals(b, s)) {
            throw new IllegalArgumentException("attention mask of shape " + Shape.str(mask.shape())
                    + " does not broadcast to the attention scores " + Shape.str(s));
        }
        if (additive) return scores.add(mask);
        NDArray m = mask.value().toType(DType.FLOAT32);
        return scores.maskedFill(Tensor.of(m.eq(NDArray.full(0f, m.device()))), Float.NEGATIVE_INFINITY);
    }
}
