package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * a ^ b elementwise with a tensor exponent (broadcast):
 * da = g * b * a^(b-1), db = g * y * log(a). As in PyTorch, da is 0 where b == 0 and db is 0 where a == 0 and
 * b >= 0, the points where the formulas give 0 * inf but the function is flat (or one-sided) in that argument.
 */
public final class Pow extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].pow(x[1]);
        save(x[0], x[1], y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray a = saved(0), b = saved(1), y = saved(2);
        NDArray zero = NDArray.full(0f, g.device());
        NDArray da = null, db = null;
        if (needsInputGrad(0)) {
            da = NDArray.where(b.eq(zero), zero, g.mul(b).mul(a.pow(b.sub(1f))));
        }
        if (needsInputGrad(1)) {
            NDArray flat = a.eq(zero).mul(b.ge(zero));
            db = NDArray.where(flat, zero, g.mul(y).mul(a.log()));
        }
        return new NDArray[] {da, db};
    }
}
