package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * length elements from start along dim (a view): dx is zero outside that range, g inside.
 */
public final class Narrow extends Function {
    private final int dim, start, length;
    private int[] inShape;

    public Narrow(int dim, int start, int length) {
        this.dim = dim;
        this.start = start;
        this.length = length;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return x[0].narrow(dim, start, length);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray dx = NDArray.full(0f, g.device(), inShape);
        dx.narrow(dim, start, length).copyFrom(g);
        return new NDArray[] {dx};
    }
}
