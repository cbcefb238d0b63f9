package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * a / b with broadcasting: da = g / b, db = -g * a / b^2 = -g * y / b (y the output, saved instead of a).
 */
public final class Div extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        NDArray y = x[0].div(x[1]);
        save(x[1], y);
        return y;
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray b = saved(0), y = saved(1);
        NDArray gb = g.div(b);
        return new NDArray[] {needsInputGrad(0) ? gb : null, needsInputGrad(1) ? gb.mul(y).neg() : null};
    }
}
