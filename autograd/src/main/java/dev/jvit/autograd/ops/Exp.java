package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * exp(x): dx = g * y, reusing the output.
 */
public final class Exp extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].exp();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.mul(saved(0))};
    }
}
