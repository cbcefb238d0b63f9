package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * 1/sqrt(x): dx = -g * x^(-3/2) / 2 = -g * y^3 / 2, reusing the output.
 */
public final class Rsqrt extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].rsqrt();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.mul(saved(0).pow(3f)).mul(-0.5f)};
    }
}
