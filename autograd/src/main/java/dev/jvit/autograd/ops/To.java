package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.Device;
import dev.jvit.core.NDArray;

/**
 * A copy on another device: dx = g copied back to the input's device.
 */
public final class To extends Function {
    private final Device target;
    private Device source;

    public To(Device target) {
        this.target = target;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        source = x[0].device();
        return x[0].to(target);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.to(source)};
    }
}
