package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.Functional;

/**
 * Stochastic depth, timm's {@code DropPath(drop_prob)}: on a residual branch's output (B, ...), drops whole
 * samples with probability p and scales the kept ones by 1/(1-p). The identity in eval mode or with p = 0.
 */
public final class DropPath extends Module implements Layer {
    private final float p;
    private final Generator generator;

    public DropPath(float p, Generator generator) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("drop path probability must be in [0, 1], got " + p);
        if (generator == null) throw new NullPointerException("DropPath needs a generator");
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropPath(x, p, generator, isTraining());
    }

    public float p() {
        return p;
    }

    /** The generator of the per-sample masks (a checkpoint saves its state). */
    public Generator generator() {
        return generator;
    }
}
