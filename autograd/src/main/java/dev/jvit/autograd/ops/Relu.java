package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.UnaryOp;

/**
 * max(x, 0): dx = g where y > 0, else 0 (the gradient at 0 is 0, as in PyTorch).
 */
public final class Relu extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].relu();
        save(y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.mul(saved(0).unary(UnaryOp.STEP))};
    }
}
