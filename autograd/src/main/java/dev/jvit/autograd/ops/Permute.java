package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

/**
 * Reorders dimensions (output dimension i is input dimension dims[i]): dx = g permuted by the inverse.
 */
public final class Permute extends Function {
    private final int[] dims;
    private int[] inverse;

    public Permute(int... dims) {
        this.dims = dims.clone();
    }

    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].permute(dims); // validates dims first
        inverse = new int[dims.length];
        for (int i = 0; i < dims.length; i++) inverse[Shape.dim(dims[i], dims.length)] = i;
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.permute(inverse)};
    }
}
