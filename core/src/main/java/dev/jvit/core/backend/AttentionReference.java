package dev.jvit.core.backend;

import dev.jvit.core.NDArray;

/**
 * {@link Backend#attention} composed from primitive ops, as timm writes it: qkv (B, N, 3·H·D) split into q, k, v
 * of (B, H, N, D), softmax((q·scale)·kᵀ)·v, heads merged back. It is the default of every backend (so a new
 * backend works before it has a fused kernel) and the reference the fused kernels are tested against.
 */
public final class AttentionReference {
    private AttentionReference() {}

    /** See {@link Backend#attention}. */
    public static AttentionResult forward(NDArray qkv, int heads, float scale) {
        NDArray[] x = split(qkv, heads);
        NDArray probs = x[0].mul(scale).matmul(x[1].mT()).softmax();
        return new AttentionResult(merge(probs.matmul(x[2])), probs);
    }

    /** See {@link Backend#attentionBackward}. */
    public static NDArray backward(NDArray qkv, NDArray probs, NDArray dOut, int heads, float scale) {
        AttentionShape.of(qkv, heads).checkBackward(probs, dOut);
        NDArray[] x = split(qkv, heads);
        NDArray dO = splitHeads(dOut, heads);
        NDArray dS = probs.backend().softmaxBackward(probs, dO.matmul(x[2].mT()));
        NDArray dq = dS.matmul(x[1]).mul(scale), dk = dS.mT().matmul(x[0]).mul(scale), dv = probs.mT().matmul(dO);
        return join(dq, dk, dv);
    }

    /** qkv (B, N, 3·H·D) as three (B, H, N, D) views: timm's reshape(B, N, 3, H, D).permute(2, 0, 3, 1, 4). */
    static NDArray[] split(NDArray qkv, int heads) {
        AttentionShape g = AttentionShape.of(qkv, heads);
        NDArray x = qkv.reshape(g.b(), g.n(), 3, heads, g.d()).permute(2, 0, 3, 1, 4);
        return new NDArray[] {x.select(0, 0), x.select(0, 1), x.select(0, 2)};
    }

    /** (B, N, H·D) as (B, H, N, D). */
    static NDArray splitHeads(NDArray x, int heads) {
        int[] s = x.shape();
        return x.reshape(s[0], s[1], heads, s[2] / heads).permute(0, 2, 1, 3);
    }

    /** (B, H, N, D) as a contiguous (B, N, H·D). */
    static NDArray merge(NDArray x) {
        int[] s = x.shape();
        return x.permute(0, 2, 1, 3).contiguous().reshape(s[0], s[2], s[1] * s[3]);
    }

    /** Three (B, H, N, D) gradients as one contiguous (B, N, 3·H·D), the layout of qkv. */
    static NDArray join(NDArray dq, NDArray dk, NDArray dv) {
        int[] s = dq.shape();
        NDArray stacked = NDArray.concat(0, dq.unsqueeze(0), dk.unsqueeze(0), dv.unsqueeze(0)); // (3, B, H, N, D)
        return stacked.permute(1, 3, 0, 2, 4).contiguous().reshape(s[0], s[2], 3 * s[1] * s[3]);
    }
}
