package dev.jvit.autograd;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;

/** Fixed-seed test inputs built on the host, so tests do not depend on the backend's random kernels. */
final class Data {
    private Data() {}

    static NDArray normal(long seed, int... shape) {
        Generator g = new Generator(seed);
        float[] v = new float[(int) dev.jvit.core.Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = g.nextGaussian();
        return NDArray.of(v, shape);
    }

    static NDArray uniform(long seed, float lo, float hi, int... shape) {
        Generator g = new Generator(seed);
        float[] v = new float[(int) dev.jvit.core.Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * g.nextFloat();
        return NDArray.of(v, shape);
    }

    /** Normal values pushed at least 0.2 away from 0, for ops with a kink there (relu, abs). */
    static NDArray awayFromZero(long seed, int... shape) {
        float[] v = normal(seed, shape).toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.copySign(0.2f + Math.abs(v[i]), v[i]);
        return NDArray.of(v, shape);
    }

    /** Distinct values in random order, so max has no ties. */
    static NDArray distinct(long seed, int... shape) {
        int n = (int) dev.jvit.core.Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = -1.5f + 3f * i / n;
        Generator g = new Generator(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return NDArray.of(v, shape);
    }

    static Tensor param(long seed, int... shape) {
        return Tensor.param(normal(seed, shape));
    }
}
