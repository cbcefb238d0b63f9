package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Removes one size-1 dimension, or all of them: dx = g reshaped back.
 */
public final class Squeeze extends Function {
    private final Integer dim; // null: every size-1 dimension
    private int[] inShape;

    public Squeeze(int dim) {
        this.dim = dim;
    }

    public Squeeze() {
        this.dim = null;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return dim == null ? x[0].squeeze() : x[0].squeeze(dim);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.reshape(inShape)};
    }
}
