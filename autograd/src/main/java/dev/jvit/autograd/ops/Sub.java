package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * a - b with broadcasting: da = g, db = -g.
 */
public final class Sub extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        return x[0].sub(x[1]);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {needsInputGrad(0) ? g : null, needsInputGrad(1) ? g.neg() : null};
    }
}
