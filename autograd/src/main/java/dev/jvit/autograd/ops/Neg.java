package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * -x: dx = -g.
 */
public final class Neg extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        return x[0].neg();
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.neg()};
    }
}
