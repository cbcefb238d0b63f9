package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.AttentionMask;
import dev.jvit.nn.functional.Functional;

/**
 * Multi-head self-attention as timm's {@code Attention}: one fused {@code qkv} Linear (C to 3C), split into
 * q, k, v of (B, H, N, D) with D = C / H, softmax(q·kᵀ / sqrt(D) + mask), attention dropout, ·v, heads
 * merged back to (B, N, C), the {@code proj} Linear and its dropout. Parameter names and order match timm:
 * qkv.weight, qkv.bias, proj.weight, proj.bias.
 *
 * <p>The attention probabilities (B, H, N, N) are kept after each forward only when asked for with
 * {@link #keepAttention(boolean)} (attention maps), so training holds no extra reference to them.
 */
public final class MultiHeadSelfAttention extends Module implements Layer {
    private final int dim, numHeads, headDim;
    private final float scale;
    private final Linear qkv, proj;
    private final Dropout attnDrop, projDrop;
    private boolean keepAttention;
    private Tensor lastAttention;

    /** timm's defaults for ViT: qkv bias on, no dropout. */
    public MultiHeadSelfAttention(int dim, int numHeads, Generator g) {
        this(dim, numHeads, true, 0f, 0f, g);
    }

    public MultiHeadSelfAttention(int dim, int numHeads, boolean qkvBias, float attnDrop, float projDrop, Generator g) {
        if (numHeads <= 0 || dim <= 0 || dim % numHeads != 0) {
            throw new IllegalArgumentException("attention dim " + dim + " must be a positive multiple of the head count "
                    + numHeads);
        }
        this.dim = dim;
        this.numHeads = numHeads;
        this.headDim = dim / numHeads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        // registration order is timm's: qkv, attn_drop, proj, proj_drop
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, qkvBias, g));
        this.attnDrop = registerModule("attn_drop", new Dropout(attnDrop, g.split()));
        this.proj = registerModule("proj", new Linear(dim, dim, g));
        this.projDrop = registerModule("proj_drop", new Dropout(projDrop, g.split()));
    }

    /** x (B, N, C) to (B, N, C). */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /** x (B, N, C) to (B, N, C); mask (null for none) broadcasts to the scores (B, H, N, N). */
    public Tensor forward(Tensor x, AttentionMask mask) {
        if (x.rank() != 3 || x.size(2) != dim) {
            throw new IllegalArgumentException("attention of dim " + dim + " expects (B, N, " + dim + "), got "
                    + Shape.str(x.shape()));
        }
        int b = x.size(0), n = x.size(1);
        Tensor fused = qkv.forward(x); // (B, N, 3C) laid out as (B, N, 3, H, D)
        if (mask == null && (attnDrop.p() == 0f || !attnDrop.isTraining())) {
            // the common case (every ViT preset): one fused node reads q, k, v in place and writes (B, N, C)
            Functional.AttentionOutput a = Functional.qkvAttention(fused, numHeads, scale);
            lastAttention = keepAttention ? a.weights() : null;
            return projDrop.forward(proj.forward(a.output()));
        }
        Tensor qkvOut = fused.reshape(b, n, 3, numHeads, headDim).permute(2, 0, 3, 1, 4); // (3,B,H,N,D)
        Tensor q = qkvOut.select(0, 0), k = qkvOut.select(0, 1), v = qkvOut.select(0, 2);
        Functional.AttentionOutput a = Functional.attention(q, k, v, mask, scale, attnDrop.p(), attnDrop.generator(),
                attnDrop.isTraining());
        lastAttention = keepAttention ? a.weights().detach() : null;
        Tensor merged = a.output().transpose(1, 2).reshape(b, n, dim); // (B,N,C)
        return projDrop.forward(proj.forward(merged));
    }

    /** Whether to keep the attention probabilities of the next forwards (off by default). */
    public MultiHeadSelfAttention keepAttention(boolean keep) {
        keepAttention = keep;
        if (!keep) lastAttention = null;
        return this;
    }

    /** The probabilities (B, H, N, N) of the last forward, detached, before dropout; null when not kept. */
    public Tensor lastAttention() {
        return lastAttention;
    }

    public Linear qkv() {
        return qkv;
    }

    public Linear proj() {
        return proj;
    }

    public int numHeads() {
        return numHeads;
    }
}
