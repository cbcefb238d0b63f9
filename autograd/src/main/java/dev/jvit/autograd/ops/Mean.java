package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Mean over dimensions (all when none are given): dx = g / n broadcast back to x's shape.
 */
public final class Mean extends Function {
    private final boolean keepDim;
    private final int[] dims;
    private int[] inShape, keepShape;
    private long count;

    public Mean(boolean keepDim, int... dims) {
        this.keepDim = keepDim;
        this.dims = dims.clone();
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        int[] d = Dims.normalise(dims, inShape.length);
        keepShape = Dims.keepShape(inShape, d);
        count = Dims.count(inShape, d);
        return x[0].mean(keepDim, dims);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.div((float) count).reshape(keepShape).expand(inShape)};
    }
}
