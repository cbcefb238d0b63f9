package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

/**
 * Layer norm over the last dimension with a learned scale and shift, PyTorch's {@code nn.LayerNorm(dim)}:
 * weight (C) starts at 1, bias (C) at 0, neither is decayed. Runs the fused kernel (mean and rstd saved
 * for the backward). PyTorch's default eps is 1e-5; timm's ViT uses 1e-6.
 */
public final class LayerNorm extends Module implements Layer {
    private final float eps;
    private final Tensor weight, bias;

    public LayerNorm(int dim) {
        this(dim, 1e-5f);
    }

    public LayerNorm(int dim, float eps) {
        if (dim <= 0) throw new IllegalArgumentException("LayerNorm needs a positive dimension, got " + dim);
        if (!(eps >= 0f)) throw new IllegalArgumentException("LayerNorm eps must be >= 0, got " + eps);
        this.eps = eps;
        this.weight = registerParameter("weight", NDArray.ones(dim), false);
        this.bias = registerParameter("bias", NDArray.zeros(dim), false);
    }

    /** x (..., C) to (..., C). */
    @Override
    public Tensor forward(Tensor x) {
        return x.layerNorm(weight, bias, eps);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public float eps() {
        return eps;
    }
}
