package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

/**
 * Inverted dropout, PyTorch's {@code nn.Dropout(p)}: in training each element is zeroed with probability p
 * and the rest are scaled by 1/(1-p), so nothing needs rescaling at evaluation, where it is the identity.
 * The mask comes from this layer's own generator, so a seed reproduces a run's masks.
 */
public final class Dropout extends Module implements Layer {
    private final float p;
    private final Generator generator;

    public Dropout(float p, Generator generator) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (generator == null) throw new NullPointerException("Dropout needs a generator");
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.dropout(p, generator, isTraining());
    }

    public float p() {
        return p;
    }

    public Generator generator() {
        return generator;
    }
}
