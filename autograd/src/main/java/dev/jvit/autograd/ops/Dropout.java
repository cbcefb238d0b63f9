package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;

/**
 * Inverted dropout: y = x * mask with mask = (u >= p) / (1 - p), u uniform in [0, 1) drawn from the generator
 * on x's device, so each element survives with probability 1 - p and the expectation is unchanged.
 * dx = g * mask (the saved mask).
 */
public final class Dropout extends Function {
    private final float p;
    private final Generator generator;

    public Dropout(float p, Generator generator) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (generator == null) throw new NullPointerException("dropout needs a generator");
        this.p = p;
        this.generator = generator;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        NDArray mask;
        if (p == 1f) {
            mask = NDArray.full(0f, x[0].device(), x[0].shape()); // 1/(1-p) would turn 0 * inf into NaN
        } else {
            // one fused pass into one buffer: dropout runs after nearly every layer of a ViT
            mask = NDArray.empty(DType.FLOAT32, x[0].device(), x[0].shape());
            mask.backend().dropoutMask(mask, p, generator);
        }
        save(mask);
        return x[0].mul(mask);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.mul(saved(0))};
    }
}
