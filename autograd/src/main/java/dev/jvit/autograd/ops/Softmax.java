package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Softmax over the last dimension with the fused kernels: dx = y * (g - sum(g * y)) per row.
 */
public final class Softmax extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].softmax();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray y = saved(0);
        return new NDArray[] {y.backend().softmaxBackward(y, g)};
    }
}
