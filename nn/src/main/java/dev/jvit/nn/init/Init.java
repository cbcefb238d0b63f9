package dev.jvit.nn.init;

import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

/**
 * Weight initialisers with PyTorch's ({@code torch.nn.init}) and timm's semantics. Each fills an array in
 * place and returns it; every random one draws from a {@link Generator}, so a seed fixes a model's initial
 * weights. Fans follow PyTorch: for a weight (out, in, k...) fan_in = in * prod(k), fan_out = out * prod(k).
 * <pre>
 *   Init.kaimingUniform(w, 0, FanMode.FAN_IN, Nonlinearity.RELU, g);
 *   Init.truncNormal(posEmbed.value(), 0f, 0.02f, -2f, 2f, g);   // timm's ViT
 * </pre>
 */
public final class Init {
    /** Draws allowed per element before truncNormal gives up (an interval far out in the tail). */
    private static final int MAX_TRIES = 1000;

    private Init() {}

    public static NDArray zeros(NDArray a) {
        return a.fill(0f);
    }

    public static NDArray ones(NDArray a) {
        return a.fill(1f);
    }

    public static NDArray constant(NDArray a, float value) {
        return a.fill(value);
    }

    /** U(low, high). */
    public static NDArray uniform(NDArray a, float low, float high, Generator g) {
        checkFloat(a, "uniform");
        if (!(low <= high)) throw new IllegalArgumentException("uniform needs low <= high, got " + low + " and " + high);
        a.backend().uniform(a, low, high, g);
        return a;
    }

    /** N(mean, std^2). */
    public static NDArray normal(NDArray a, float mean, float std, Generator g) {
        checkFloat(a, "normal");
        if (!(std >= 0f)) throw new IllegalArgumentException("normal needs std >= 0, got " + std);
        a.backend().normal(a, mean, std, g);
        return a;
    }

    /**
     * N(mean, std^2) restricted to [a, b], with timm's semantics: the bounds are absolute values, not
     * multiples of std (timm's default a=-2, b=2 with std 0.02 truncates nothing in practice). Drawn by
     * rejection on the host, exact for any interval that holds a reasonable share of the distribution.
     */
    public static NDArray truncNormal(NDArray arr, float mean, float std, float a, float b, Generator g) {
        checkFloat(arr, "truncNormal");
        if (!(std >= 0f)) throw new IllegalArgumentException("truncNormal needs std >= 0, got " + std);
        if (!(a < b)) throw new IllegalArgumentException("truncNormal needs a < b, got [" + a + ", " + b + "]");
        float[] v = new float[(int) arr.numel()];
        for (int i = 0; i < v.length; i++) v[i] = drawTruncated(mean, std, a, b, g);
        arr.copyFrom(NDArray.of(v, arr.shape()).to(arr.device()));
        return arr;
    }

    /** timm's {@code trunc_normal_(t, std=std)}: mean 0, bounds [-2, 2]. */
    public static NDArray truncNormal(NDArray arr, float std, Generator g) {
        return truncNormal(arr, 0f, std, -2f, 2f, g);
    }

    private static float drawTruncated(float mean, float std, float a, float b, Generator g) {
        for (int t = 0; t < MAX_TRIES; t++) {
            float x = mean + std * g.nextGaussian();
            if (x >= a && x <= b) return x;
        }
        throw new IllegalArgumentException("truncNormal: the interval [" + a + ", " + b + "] holds almost none of N("
                + mean + ", " + std + "^2); move the mean or the bounds");
    }

    /** Xavier/Glorot uniform: U(-r, r) with r = gain * sqrt(6 / (fan_in + fan_out)). */
    public static NDArray xavierUniform(NDArray a, double gain, Generator g) {
        long[] f = fans(a, "xavierUniform");
        float r = (float) (gain * Math.sqrt(6.0 / (f[0] + f[1])));
        return uniform(a, -r, r, g);
    }

    /** Xavier/Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
    public static NDArray xavierNormal(NDArray a, double gain, Generator g) {
        long[] f = fans(a, "xavierNormal");
        return normal(a, 0f, (float) (gain * Math.sqrt(2.0 / (f[0] + f[1]))), g);
    }

    /**
     * Kaiming/He uniform: U(-r, r) with r = gain * sqrt(3 / fan), gain from the nonlinearity (param is
     * leaky relu's negative slope).
     */
    public static NDArray kaimingUniform(NDArray a, double param, FanMode mode, Nonlinearity nonlinearity, Generator g) {
        double std = nonlinearity.gain(param) / Math.sqrt(fan(a, mode, "kaimingUniform"));
        float r = (float) (Math.sqrt(3.0) * std);
        return uniform(a, -r, r, g);
    }

    /** Kaiming/He normal: N(0, std^2) with std = gain / sqrt(fan). */
    public static NDArray kaimingNormal(NDArray a, double param, FanMode mode, Nonlinearity nonlinearity, Generator g) {
        double std = nonlinearity.gain(param) / Math.sqrt(fan(a, mode, "kaimingNormal"));
        return normal(a, 0f, (float) std, g);
    }

    /**
     * PyTorch's default for Linear and Conv weights: kaiming_uniform with a = sqrt(5) as a leaky relu slope,
     * which works out to U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     */
    public static NDArray defaultWeight(NDArray weight, Generator g) {
        return kaimingUniform(weight, Math.sqrt(5.0), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, g);
    }

    /** PyTorch's default for Linear and Conv biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of the weight's fan_in. */
    public static NDArray defaultBias(NDArray bias, long fanIn, Generator g) {
        if (fanIn <= 0) throw new IllegalArgumentException("defaultBias needs fanIn > 0, got " + fanIn);
        float r = (float) (1.0 / Math.sqrt(fanIn));
        return uniform(bias, -r, r, g);
    }

    /** fan_in and fan_out of a weight of rank >= 2, as PyTorch computes them. */
    public static long[] fans(NDArray a, String who) {
        int[] s = a.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException(who + " needs a weight with at least 2 dimensions to compute fans, got "
                    + Shape.str(s));
        }
        long receptive = 1;
        for (int i = 2; i < s.length; i++) receptive *= s[i];
        long fanIn = s[1] * receptive, fanOut = s[0] * receptive;
        if (fanIn == 0 || fanOut == 0) throw new IllegalArgumentException(who + " on an empty weight " + Shape.str(s));
        return new long[] {fanIn, fanOut};
    }

    private static long fan(NDArray a, FanMode mode, String who) {
        long[] f = fans(a, who);
        return mode == FanMode.FAN_IN ? f[0] : f[1];
    }

    private static void checkFloat(NDArray a, String who) {
        if (a.dtype() != DType.FLOAT32) throw new IllegalArgumentException(who + " fills FLOAT32 arrays, got " + a.dtype());
    }
}
