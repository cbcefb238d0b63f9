package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * a * b with broadcasting: da = g * b, db = g * a.
 */
public final class Mul extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        save(x[0], x[1]);
        return x[0].mul(x[1]);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {needsInputGrad(0) ? g.mul(saved(1)) : null, needsInputGrad(1) ? g.mul(saved(0)) : null};
    }
}
