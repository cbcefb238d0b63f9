package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Natural logarithm: dx = g / x.
 */
public final class Log extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].log();
        save(x[0]);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.div(saved(0))};
    }
}
