package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

/** Fixed-seed inputs built on the host, so tests do not depend on the backend's random kernels. */
public final class TestData {
    private TestData() {}

    public static NDArray normal(long seed, float std, int... shape) {
        Generator g = new Generator(seed);
        float[] v = new float[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = std * g.nextGaussian();
        return NDArray.of(v, shape);
    }

    /** A leaf requiring a gradient with N(0, 1) values. */
    public static Tensor input(long seed, int... shape) {
        return Tensor.param(normal(seed, 1f, shape));
    }

    public static Tensor labels(int... v) {
        return Tensor.of(NDArray.ofInts(v, v.length));
    }
}
