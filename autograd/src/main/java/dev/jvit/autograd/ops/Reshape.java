package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Same elements, new shape (a view when the strides allow, else a copy): dx = g reshaped back.
 */
public final class Reshape extends Function {
    private final int[] shape;
    private int[] inShape;

    public Reshape(int... shape) {
        this.shape = shape.clone();
    }

    @Override
    protected NDArray forward(NDArray... x) {
        inShape = x[0].shape();
        return x[0].reshape(shape);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.reshape(inShape)};
    }
}
