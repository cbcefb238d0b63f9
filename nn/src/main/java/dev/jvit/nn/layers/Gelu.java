package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

/**
 * GELU activation, PyTorch's {@code nn.GELU(approximate=...)}: the exact erf form by default (timm's ViT),
 * or the tanh approximation (GPT-2). Elementwise, any shape.
 */
public final class Gelu extends Module implements Layer {
    private final GeluApproximation approximation;

    public Gelu() {
        this(GeluApproximation.NONE);
    }

    public Gelu(GeluApproximation approximation) {
        if (approximation == null) throw new NullPointerException("Gelu approximation is null (use NONE for exact)");
        this.approximation = approximation;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.gelu(approximation);
    }

    public GeluApproximation approximation() {
        return approximation;
    }
}
