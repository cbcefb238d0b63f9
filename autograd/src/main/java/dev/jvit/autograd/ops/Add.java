package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * a + b with broadcasting. The gradient passes through to both inputs in the output's shape;
 * the engine sums it back over broadcast dimensions.
 */
public final class Add extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        return x[0].add(x[1]);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {needsInputGrad(0) ? g : null, needsInputGrad(1) ? g : null};
    }
}
