package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Swaps two dimensions (a view): dx = g with the same two swapped back.
 */
public final class Transpose extends Function {
    private final int dim0, dim1;

    public Transpose(int dim0, int dim1) {
        this.dim0 = dim0;
        this.dim1 = dim1;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        return x[0].transpose(dim0, dim1);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.transpose(dim0, dim1)};
    }
}
