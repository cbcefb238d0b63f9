package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Inserts a size-1 dimension at dim: dx = g with it removed.
 */
public final class Unsqueeze extends Function {
    private final int dim;
    private int[] inShape;

    public Unsqueeze(int dim) {
        this.dim = dim;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return x[0].unsqueeze(dim);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.reshape(inShape)};
    }
}
