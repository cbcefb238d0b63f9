package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Broadcasts size-1 and new leading dimensions (a stride-0 view). The backward returns g as it is:
 * summing over the expanded dimensions is exactly the engine's un-broadcasting.
 */
public final class Expand extends Function {
    private final int[] shape;

    public Expand(int... shape) {
        this.shape = shape.clone();
    }

    @Override
    protected NDArray forward(NDArray... x) {
        return x[0].expand(shape);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g};
    }
}
