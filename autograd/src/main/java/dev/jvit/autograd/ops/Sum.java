package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Sum over dimensions (all when none are given), optionally keeping them as size 1.
 * x is (..., n, ...) -> y is (..., [1], ...); dx = g broadcast back to x's shape (a stride-0 view, no copy).
 */
public final class Sum extends Function {
    private final boolean keepDim;
    private final int[] dims;
    private int[] inShape, keepShape;

    public Sum(boolean keepDim, int... dims) {
        this.keepDim = keepDim;
        this.dims = dims.clone();
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        keepShape = Dims.keepShape(inShape, Dims.normalise(dims, inShape.length));
        return x[0].sum(keepDim, dims);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.reshape(keepShape).expand(inShape)};
    }
}
