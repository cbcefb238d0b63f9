package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * The sub-array at index along dim, that dimension removed (a view): dx is g at that index, zero elsewhere.
 */
public final class Select extends Function {
    private final int dim, index;
    private int[] inShape;

    public Select(int dim, int index) {
        this.dim = dim;
        this.index = index;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return x[0].select(dim, index);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray dx = NDArray.full(0f, g.device(), inShape);
        dx.select(dim, index).copyFrom(g);
        return new NDArray[] {dx};
    }
}
