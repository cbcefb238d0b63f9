package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * cond != 0 ? a : b with all three broadcast together. Inputs are a and b; cond is a constant of the
 * op (a mask is not differentiable). da = g where cond, db = g elsewhere.
 */
public final class Where extends Function {
    private final NDArray cond;

    public Where(NDArray cond) {
        this.cond = cond;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        return NDArray.where(cond, x[0], x[1]);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray zero = NDArray.full(0f, g.device());
        return new NDArray[] {needsInputGrad(0) ? NDArray.where(cond, g, zero) : null,
                needsInputGrad(1) ? NDArray.where(cond, zero, g) : null};
    }
}
