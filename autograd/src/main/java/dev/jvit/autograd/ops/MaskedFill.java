package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.NDArray;

/**
 * x with the positions where mask != 0 replaced by a constant (PyTorch's masked_fill; mask broadcasts).
 * The filled positions get no gradient.
 */
public final class MaskedFill extends Function {
    private final NDArray mask;
    private final float fill;

    public MaskedFill(NDArray mask, float fill) {
        this.mask = mask;
        this.fill = fill;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        return x[0].maskedFill(mask, fill);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {NDArray.where(mask, NDArray.full(0f, g.device()), g)};
    }
}
