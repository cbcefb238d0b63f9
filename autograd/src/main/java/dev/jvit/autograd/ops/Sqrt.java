package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * sqrt(x): dx = g / (2 y), reusing the output.
 */
public final class Sqrt extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].sqrt();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.div(saved(0)).mul(0.5f)};
    }
}
