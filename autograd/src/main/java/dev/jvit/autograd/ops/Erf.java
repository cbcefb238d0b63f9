package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * The error function: dx = g * 2/sqrt(pi) * exp(-x^2).
 */
public final class Erf extends Function {
    private static final float TWO_OVER_SQRT_PI = (float) (2.0 / Math.sqrt(Math.PI));

    @Override
    protected NDArray forward(NDArray... x) {
        save(x[0]);
        return x[0].erf();
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray x = saved(0);
        return new NDArray[] {g.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI))};
    }
}
