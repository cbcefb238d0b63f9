package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

/**
 * Joins inputs along dim: each input's gradient is its own stretch of g (a view).
 */
public final class Concat extends Function {
    private final int dim;
    private int d;
    private int[] sizes;

    public Concat(int dim) {
        this.dim = dim;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = NDArray.concat(dim, x); // checks ranks and sizes first
        d = Shape.dim(dim, y.rank());
        sizes = new int[x.length];
        for (int i = 0; i < x.length; i++) sizes[i] = x[i].size(d);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray[] dx = new NDArray[sizes.length];
        for (int i = 0, start = 0; i < sizes.length; start += sizes[i], i++) {
            if (needsInputGrad(i)) dx[i] = g.narrow(d, start, sizes[i]);
        }
        return dx;
    }
}
