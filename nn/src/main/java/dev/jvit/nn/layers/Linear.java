package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.init.Init;

/**
 * y = x · weightᵀ + bias, PyTorch's {@code nn.Linear}: weight (out, in), bias (out); x (..., in) gives
 * (..., out). Initialised as PyTorch does (weight U(±1/sqrt(in)) via kaiming_uniform(a=sqrt(5)), bias the
 * same range) from the given generator. The bias is excluded from weight decay.
 */
public final class Linear extends Module implements Layer {
    private final int inFeatures, outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures, Generator g) {
        this(inFeatures, outFeatures, true, g);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, Generator g) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + inFeatures + " out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Init.defaultWeight(NDArray.empty(DType.FLOAT32, outFeatures, inFeatures), g));
        this.bias = bias
                ? registerParameter("bias", Init.defaultBias(NDArray.empty(DType.FLOAT32, outFeatures), inFeatures, g), false)
                : null;
    }

    /** x (..., in) to (..., out). */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }
}
