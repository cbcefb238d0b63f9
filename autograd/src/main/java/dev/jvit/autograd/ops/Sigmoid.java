package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * 1/(1+exp(-x)): dx = g * y * (1 - y), reusing the output.
 */
public final class Sigmoid extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].sigmoid();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.mul(saved(0).mul(saved(0).neg().add(1f)))};
    }
}
