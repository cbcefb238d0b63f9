package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.GeluApproximation;

/**
 * dropout(gelu(x)) as one node, for a transformer MLP's hidden layer: the backend runs both in one pass over
 * memory each way ({@link dev.jvit.core.backend.Backend#geluDropout}). Like {@link Dropout} it keeps a seed,
 * not a mask, and draws that seed from the generator exactly as a separate Dropout would, so a model computes
 * the same numbers fused or not. dx = gelu'(x) * mask * g. p in [0, 1).
 */
public final class GeluDropout extends Function {
    private final GeluApproximation approximation;
    private final float p;
    private final Generator generator;
    private long seed;

    public GeluDropout(GeluApproximation approximation, float p, Generator generator) {
        if (approximation == null) throw new NullPointerException("gelu approximation is null (use NONE for exact)");
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("fused GELU-dropout needs p in [0, 1), got " + p);
        if (generator == null) throw new NullPointerException("dropout needs a generator");
        this.approximation = approximation;
        this.p = p;
        this.generator = generator;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        seed = generator.nextLong();
        save(x[0]);
        return x[0].backend().geluDropout(x[0], approximation, p, seed);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        NDArray x = saved(0);
        return new NDArray[] {x.backend().geluDropoutBackward(x, g, approximation, p, seed)};
    }
}
