package dev.jvit.core.cpu;

/**
 * Scalar float functions shared by the reference kernels and by the tails of the SIMD kernels, so both
 * paths compute erf, GELU and sigmoid with the same formulas. Everything takes and returns float
 * (PyTorch's float32 semantics); transcendental calls go through double {@link Math} and round once.
 */
public final class ScalarMath {
    /** sqrt(2/pi), the scale inside the tanh form of GELU. */
    public static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    /** The cubic coefficient of the tanh form of GELU. */
    public static final float GELU_TANH_C = 0.044715f;
    /** 1/sqrt(2). */
    public static final float INV_SQRT_2 = 0.7071067811865476f;
    /** 1/sqrt(2*pi), the standard normal density at 0. */
    public static final float INV_SQRT_2PI = 0.3989422804014327f;

    private ScalarMath() {}

    /**
     * The error function with a maximum error just under 1 ulp over all floats (0.96 ulp, 5.7e-8 absolute,
     * measured against a double-precision erf). These are N. Juffa's minimax polynomials for erff: an odd
     * polynomial near 0, where the result must keep its relative precision for tiny x, and
     * {@code 1 - exp(poly(|x|))} beyond 0.9277. The constants are float literals and every step is an fma,
     * so a Vector API version can evaluate exactly the same steps lane by lane.
     */
    public static float erf(float x) {
        float t = Math.abs(x);
        float s = x * x;
        if (t > 0.927734375f) {
            float r = Math.fma(-1.72853470e-5f, t, 3.83197126e-4f);
            float u = Math.fma(-3.88396438e-3f, t, 2.42546219e-2f);
            r = Math.fma(r, s, u);
            r = Math.fma(r, t, -1.06777877e-1f);
            r = Math.fma(r, t, -6.34846687e-1f);
            r = Math.fma(r, t, -1.28717512e-1f);
            r = Math.fma(r, t, -t);
            r = 1.0f - (float) Math.exp(r);
            return Math.copySign(r, x);
        }
        float r = -5.96761703e-4f;
        r = Math.fma(r, s, 4.99119423e-3f);
        r = Math.fma(r, s, -2.67681349e-2f);
        r = Math.fma(r, s, 1.12819925e-1f);
        r = Math.fma(r, s, -3.76125336e-1f);
        r = Math.fma(r, s, 1.28379166e-1f);
        return Math.fma(r, x, x);
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static float exp(float x) {
        return (float) Math.exp(x);
    }

    /** 1 / (1 + e^-x); exp overflows to infinity for very negative x, which gives the right limit 0. */
    public static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }

    /** Exact GELU: x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt 2)). */
    public static float geluErf(float x) {
        return 0.5f * x * (1f + erf(x * INV_SQRT_2));
    }

    /** d/dx of exact GELU: Phi(x) + x * phi(x). */
    public static float geluErfDerivative(float x) {
        float cdf = 0.5f * (1f + erf(x * INV_SQRT_2));
        float pdf = INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x);
        return cdf + x * pdf;
    }

    /** Tanh GELU: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))). */
    public static float geluTanh(float x) {
        float u = SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x);
        return 0.5f * x * (1f + tanh(u));
    }

    /** d/dx of tanh GELU: 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(u). */
    public static float geluTanhDerivative(float x) {
        float x2 = x * x;
        float u = SQRT_2_OVER_PI * (x + GELU_TANH_C * x2 * x);
        float t = tanh(u);
        float du = SQRT_2_OVER_PI * (1f + 3f * GELU_TANH_C * x2);
        return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * du;
    }
}
