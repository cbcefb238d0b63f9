package dev.jvit.nn.layers;

import dev.jvit.core.backend.GeluApproximation;

/**
 * The settings of one {@link TransformerEncoderBlock}, timm's {@code Block} arguments as a record. Start from
 * {@link #of} (ViT's defaults) and change fields with the {@code with...} methods.
 *
 * @param dim       token width C
 * @param numHeads  heads H (C must be a multiple)
 * @param mlpRatio  hidden width of the MLP as a multiple of C (4 in ViT)
 * @param qkvBias   whether the qkv Linear has a bias (true in ViT)
 * @param projDrop  dropout after the attention projection and in the MLP
 * @param attnDrop  dropout on the attention probabilities
 * @param dropPath  stochastic depth rate of both residual branches
 * @param normEps   layer norm eps (1e-6 in timm's ViT, whose blocks pass it explicitly)
 * @param gelu      the MLP's GELU form
 */
public record BlockConfig(int dim, int numHeads, double mlpRatio, boolean qkvBias, float projDrop, float attnDrop,
                          float dropPath, float normEps, GeluApproximation gelu) {
    public BlockConfig {
        if (dim <= 0 || numHeads <= 0 || dim % numHeads != 0) {
            throw new IllegalArgumentException("block dim " + dim + " must be a positive multiple of numHeads " + numHeads);
        }
        if (!(mlpRatio > 0)) throw new IllegalArgumentException("mlpRatio must be positive, got " + mlpRatio);
        if (gelu == null) throw new NullPointerException("gelu form is null");
    }

    /** ViT's block: mlp ratio 4, qkv bias, no dropout, eps 1e-6, exact GELU. */
    public static BlockConfig of(int dim, int numHeads) {
        return new BlockConfig(dim, numHeads, 4.0, true, 0f, 0f, 0f, 1e-6f, GeluApproximation.NONE);
    }

    public BlockConfig withMlpRatio(double r) {
        return new BlockConfig(dim, numHeads, r, qkvBias, projDrop, attnDrop, dropPath, normEps, gelu);
    }

    public BlockConfig withQkvBias(boolean b) {
        return new BlockConfig(dim, numHeads, mlpRatio, b, projDrop, attnDrop, dropPath, normEps, gelu);
    }

    public BlockConfig withDropout(float proj, float attn) {
        return new BlockConfig(dim, numHeads, mlpRatio, qkvBias, proj, attn, dropPath, normEps, gelu);
    }

    public BlockConfig withDropPath(float p) {
        return new BlockConfig(dim, numHeads, mlpRatio, qkvBias, projDrop, attnDrop, p, normEps, gelu);
    }

    public BlockConfig withNormEps(float eps) {
        return new BlockConfig(dim, numHeads, mlpRatio, qkvBias, projDrop, attnDrop, dropPath, eps, gelu);
    }

    public BlockConfig withGelu(GeluApproximation g) {
        return new BlockConfig(dim, numHeads, mlpRatio, qkvBias, projDrop, attnDrop, dropPath, normEps, g);
    }

    /** The MLP's hidden width, (int) (dim * mlpRatio) as timm computes it. */
    public int mlpHidden() {
        return (int) (dim * mlpRatio);
    }
}
