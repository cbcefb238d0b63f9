package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

/**
 * The transformer's feed-forward network, timm's {@code Mlp}: fc1 (in to hidden), GELU, dropout, fc2
 * (hidden to out), dropout. Parameter names fc1.weight, fc1.bias, fc2.weight, fc2.bias, as timm.
 */
public final class Mlp extends Module implements Layer {
    private final Linear fc1, fc2;
    private final Gelu act;
    private final Dropout drop1, drop2;

    public Mlp(int inFeatures, int hiddenFeatures, Generator g) {
        this(inFeatures, hiddenFeatures, inFeatures, GeluApproximation.NONE, 0f, g);
    }

    public Mlp(int inFeatures, int hiddenFeatures, int outFeatures, GeluApproximation gelu, float drop, Generator g) {
        this.fc1 = registerModule("fc1", new Linear(inFeatures, hiddenFeatures, g));
        this.act = registerModule("act", new Gelu(gelu));
        this.drop1 = registerModule("drop1", new Dropout(drop, g.split()));
        this.fc2 = registerModule("fc2", new Linear(hiddenFeatures, outFeatures, g));
        this.drop2 = registerModule("drop2", new Dropout(drop, g.split()));
    }

    /**
     * x (..., in) to (..., out). GELU and the first dropout run as one op ({@link Tensor#geluDropout}): the
     * hidden layer is the largest activation of a transformer block, and the fused op passes over it once
     * instead of twice, with the same numbers and the same draws from drop1's generator.
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor hidden = fc1.forward(x).geluDropout(act.approximation(), drop1.p(), drop1.generator(), drop1.isTraining());
        return drop2.forward(fc2.forward(hidden));
    }

    public Linear fc1() {
        return fc1;
    }

    public Linear fc2() {
        return fc2;
    }
}
