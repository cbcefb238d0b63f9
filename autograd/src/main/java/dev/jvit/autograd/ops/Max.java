package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Largest value over dimensions (PyTorch's amax). The gradient goes to the positions equal to the
 * maximum, split equally among them when several tie: dx = (x == max) * g / count(x == max).
 */
public final class Max extends Function {
    private final boolean keepDim;
    private final int[] dims;
    private int[] d, keepShape;

    public Max(boolean keepDim, int... dims) {
        this.keepDim = keepDim;
        this.dims = dims.clone();
    }

    @Override
    protected NDArray forward(NDArray... x) {
        int[] inShape = x[0].shape();
        d = Dims.normalise(dims, inShape.length);
        keepShape = Dims.keepShape(inShape, d);
        NDArray y = x[0].max(keepDim, dims);
        save(x[0], y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray x = saved(0), y = saved(1).reshape(keepShape);
        NDArray hit = x.eq(y);
        NDArray ties = d.length == 0 ? hit : hit.sum(true, d); // d is empty only for a 0-dimensional x
        return new NDArray[] {hit.mul(g.reshape(keepShape).div(ties))};
    }
}
