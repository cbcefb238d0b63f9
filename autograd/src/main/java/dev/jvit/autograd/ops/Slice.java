package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Elements start, start+step, ... before end along dim (a view): dx is zero except where g is scattered back.
 */
public final class Slice extends Function {
    private final int dim, start, end, step;
    private int[] inShape;

    public Slice(int dim, int start, int end, int step) {
        this.dim = dim;
        this.start = start;
        this.end = end;
        this.step = step;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return x[0].slice(dim, start, end, step);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray dx = NDArray.full(0f, g.device(), inShape);
        dx.slice(dim, start, end, step).copyFrom(g);
        return new NDArray[] {dx};
    }
}
