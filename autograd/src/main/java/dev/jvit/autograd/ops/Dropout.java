package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;

/**
 * Inverted dropout: y = x * mask with mask = (u >= p) / (1 - p), u uniform in [0, 1) drawn on x's device, so
 * each element survives with probability 1 - p and the expectation is unchanged. dx = g * mask. The mask is
 * never stored: forward draws one seed from the generator and the backend applies the mask of that seed
 * ({@link dev.jvit.core.backend.Backend#dropout}); backward applies it again to g. A ViT drops after nearly
 * every layer, so this keeps an activation-sized array per dropout out of the saved graph.
 */
public final class Dropout extends Function {
    private final float p;
    private final Generator generator;
    private long seed;

    public Dropout(float p, Generator generator) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (generator == null) throw new NullPointerException("dropout needs a generator");
        this.p = p;
        this.generator = generator;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        seed = generator.nextLong();
        return apply(x[0]);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {apply(g)};
    }

    private NDArray apply(NDArray a) {
        if (p == 1f) return a.mul(NDArray.full(0f, a.device())); // the mask is 0; 1/(1-p) would be inf
        return a.backend().dropout(a, p, seed);
    }
}
