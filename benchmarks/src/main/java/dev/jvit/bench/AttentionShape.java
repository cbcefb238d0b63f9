package dev.jvit.bench;

import dev.jvit.vit.model.ViTConfig;

/**
 * The activation shapes of one ViT preset at the batch it is benchmarked at, so kernel benchmarks run at
 * the sizes a training step gives them: tokens x (B, N, C), heads (B, H, N, D), scores (B, H, N, N), MLP
 * hidden (B, N, mlp).
 */
public record AttentionShape(String model, int batch, int heads, int tokens, int headDim, int dim, int mlp) {

    /** The shapes of a ViT preset at {@link TrainStep#defaultBatch}. */
    public static AttentionShape of(String preset) {
        ViTConfig c = ViTConfig.preset(preset);
        return new AttentionShape(preset, TrainStep.defaultBatch(preset), c.heads(), c.tokens(), c.dim() / c.heads(),
                c.dim(), c.mlpDim());
    }

    /** Multiply-adds times two of q·kᵀ (or of p·v: the same count). */
    public double productFlops() {
        return 2.0 * batch * heads * tokens * tokens * headDim;
    }
}
