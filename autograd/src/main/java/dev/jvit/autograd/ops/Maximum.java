package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * Elementwise maximum of a and b (broadcast). The gradient goes to the larger input; on ties it is split
 * equally between the two (PyTorch's rule), so the sum of both gradients is always g.
 */
public final class Maximum extends Function {
    @Override
    protected NDArray forward(NDArray... x) {
        save(x[0], x[1]);
        return x[0].maximum(x[1]);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray a = saved(0), b = saved(1);
        NDArray share = a.gt(b).add(a.eq(b).mul(0.5f)); // a's share of g: 1, 0 or 1/2
        NDArray ga = g.mul(share);
        return new NDArray[] {needsInputGrad(0) ? ga : null, needsInputGrad(1) ? g.sub(ga) : null};
    }
}
