package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.GeluApproximation;

/**
 * GELU (exact erf form or tanh approximation) with the fused kernels: dx = g * gelu'(x).
 */
public final class Gelu extends Function {
    private final GeluApproximation approximation;

    public Gelu(GeluApproximation approximation) {
        if (approximation == null) throw new NullPointerException("gelu approximation is null (use NONE for exact)");
        this.approximation = approximation;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        save(x[0]);
        return x[0].gelu(approximation);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray x = saved(0);
        return new NDArray[] {x.backend().geluBackward(x, g, approximation)};
    }
}
