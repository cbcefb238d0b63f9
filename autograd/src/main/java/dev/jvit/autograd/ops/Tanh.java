package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * tanh(x): dx = g * (1 - y^2), reusing the output.
 */
public final class Tanh extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].tanh();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.mul(saved(0).mul(saved(0)).neg().add(1f))};
    }
}
