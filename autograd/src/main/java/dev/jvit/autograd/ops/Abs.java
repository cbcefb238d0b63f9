package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.UnaryOp;

/**
 * |x|: dx = g * sign(x), with sign(0) = 0 as in PyTorch.
 */
public final class Abs extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].abs();
        save(x[0]);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.mul(saved(0).unary(UnaryOp.STEP).sub(saved(0).neg().unary(UnaryOp.STEP)))};
    }
}
