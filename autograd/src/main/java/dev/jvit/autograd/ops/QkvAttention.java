package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.AttentionResult;

/**
 * Multi-head self-attention from timm's fused qkv projection, one node: qkv (B, N, 3·H·D) to the merged heads
 * (B, N, H·D), through the backend's fused attention kernel. Saves qkv and the probabilities (B, H, N, N);
 * the backward is the backend's {@code attentionBackward}. Masks and dropout on the probabilities are not
 * part of it: those go through the composed path (matmul, softmax, matmul).
 */
public final class QkvAttention extends Function {
    private final int heads;
    private final float scale;
    private NDArray probs;

    public QkvAttention(int heads, float scale) {
        this.heads = heads;
        this.scale = scale;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        AttentionResult r = x[0].backend().attention(x[0], heads, scale);
        probs = r.probs();
        save(x[0], r.probs());
        return r.output();
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.backend().attentionBackward(saved(0), saved(1), g, heads, scale)};
    }

    /** The probabilities (B, H, N, N) the forward computed (for attention maps). */
    public NDArray probs() {
        return probs;
    }
}
