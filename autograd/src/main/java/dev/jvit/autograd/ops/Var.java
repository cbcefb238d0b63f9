package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Variance over dimensions with a correction (sum((x - mean)^2) / (n - correction)):
 * dx = g * 2 (x - mean) / (n - correction).
 */
public final class Var extends Function {
    private final int correction;
    private final boolean keepDim;
    private final int[] dims;
    private int[] d, keepShape;
    private long count;

    public Var(int correction, boolean keepDim, int... dims) {
        this.correction = correction;
        this.keepDim = keepDim;
        this.dims = dims.clone();
    }

    @Override
    protected NDArray forward(NDArray... x) {
        int[] inShape = x[0].shape();
        d = Dims.normalise(dims, inShape.length);
        keepShape = Dims.keepShape(inShape, d);
        count = Dims.count(inShape, d);
        save(x[0]);
        return x[0].var(correction, keepDim, dims);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray x = saved(0);
        NDArray centred = d.length == 0 ? x.sub(x) : x.sub(x.mean(true, d));
        return new NDArray[] {centred.mul(g.reshape(keepShape)).mul(2f / (count - correction))};
    }
}
