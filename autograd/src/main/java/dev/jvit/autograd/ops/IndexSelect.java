package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Slices along dim picked by a 1-D INT32 index (an embedding lookup is dim 0): dx is zero except that
 * g's slices are added back at their indices, so repeated indices accumulate.
 */
public final class IndexSelect extends Function {
    private final int dim;
    private final NDArray index;
    private int[] inShape;

    public IndexSelect(int dim, NDArray index) {
        this.dim = dim;
        this.index = index;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return x[0].indexSelect(dim, index);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {NDArray.full(0f, g.device(), inShape).indexAddInPlace(dim, index, g)};
    }
}
