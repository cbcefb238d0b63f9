package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Log-softmax over the last dimension with the fused kernels: dx = g - exp(y) * sum(g) per row.
 */
public final class LogSoftmax extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].logSoftmax();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray y = saved(0);
        return new NDArray[] {y.backend().logSoftmaxBackward(y, g)};
    }
}
