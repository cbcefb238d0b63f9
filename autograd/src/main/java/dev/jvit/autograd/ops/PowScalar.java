package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * x ^ p for a constant p: dx = g * p * x^(p-1) (0 when p == 0).
 */
public final class PowScalar extends Function {
    private final float exponent;

    public PowScalar(float exponent) {
        this.exponent = exponent;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        save(x[0]);
        return x[0].pow(exponent);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        if (exponent == 0f) return new NDArray[] {NDArray.full(0f, g.device(), g.shape())};
        return new NDArray[] {g.mul(saved(0).pow(exponent - 1f)).mul(exponent)};
    }
}
