package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * torch.gather along dim (index is INT32 with the output's shape): dx is g scatter-added back to the
 * gathered positions.
 */
public final class Gather extends Function {
    private final int dim;
    private final NDArray index;
    private int[] inShape;

    public Gather(int dim, NDArray index) {
        this.dim = dim;
        this.index = index;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return x[0].gather(dim, index);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {NDArray.full(0f, g.device(), inShape).scatterAddInPlace(dim, index, g)};
    }
}
