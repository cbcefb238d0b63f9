package dev.jvit.autograd;

import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

import java.util.Arrays;

/**
 * Checks analytic gradients against central differences, in float32. The scalar differentiated is
 * {@code L = sum(out * W)} with W fixed random weights of the output's shape, so every output element
 * matters and errors cannot cancel by symmetry; the analytic side is {@code out.backward(W)}, the numeric side
 * {@code (L(x + eps) - L(x - eps)) / (2 eps)} for every element of every input that requires a gradient, with
 * L summed in double on the host. An element passes when
 * {@code |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|)}.
 *
 * <p>The defaults (eps 1e-3, rtol 1e-2, atol 2e-3) suit inputs and outputs of order 1: float32 rounding
 * of an output near 1 moves L by about 1e-7, which a step of 2e-3 turns into an error of about 1e-4 per
 * rounding; the worst error over this module's own checks is 3e-4 (layer norm, whose statistics sum rows in
 * float32), under the floor, while a wrong gradient (a missing factor, a wrong sign, a transposed index) is
 * off by far more. Loosen with {@link #tolerance} for long composites. Keep inputs away from kinks (relu and
 * abs at 0, ties of max).
 * <pre>
 *   GradCheck.check("mul", x -> x[0].mul(x[1]), Tensor.param(a), Tensor.param(b));
 * </pre>
 */
public final class GradCheck {

    /** The computation under test, taking the inputs in the order they were given. */
    @FunctionalInterface
    public interface Op {
        Tensor apply(Tensor... inputs);
    }

    /** What was checked and the worst disagreement seen. */
    public record Report(String op, int elementsChecked, double maxAbsError, double maxRelError) {
        @Override
        public String toString() {
            return String.format("%s: %d elements, max abs error %.3g, max rel error %.3g", op, elementsChecked,
                    maxAbsError, maxRelError);
        }
    }

    private final String name;
    private final Op op;
    private float eps = 1e-3f;
    private double rtol = 1e-2, atol = 2e-3;
    private long seed = 1234;

    private GradCheck(String name, Op op) {
        this.name = name;
        this.op = op;
    }

    public static GradCheck of(String name, Op op) {
        return new GradCheck(name, op);
    }

    /** Checks with the default step and tolerances; throws AssertionError on the first bad element. */
    public static Report check(String name, Op op, Tensor... inputs) {
        return of(name, op).check(inputs);
    }

    public GradCheck eps(float eps) {
        this.eps = eps;
        return this;
    }

    public GradCheck tolerance(double rtol, double atol) {
        this.rtol = rtol;
        this.atol = atol;
        return this;
    }

    /** Seed of the output weights W. */
    public GradCheck seed(long seed) {
        this.seed = seed;
        return this;
    }

    public Report check(Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].isLeaf()) throw new IllegalArgumentException(name + ": input " + i + " must be a leaf tensor");
            inputs[i].zeroGrad();
        }
        Tensor out = op.apply(inputs);
        if (!out.requiresGrad()) throw new AssertionError(name + ": the output does not require grad, so no gradient can flow");
        if (out.dtype() != DType.FLOAT32) throw new AssertionError(name + ": the output is " + out.dtype());
        int[] outShape = out.shape();
        Generator g = new Generator(seed);
        float[] w = new float[(int) out.numel()];
        for (int i = 0; i < w.length; i++) w[i] = g.nextFloat() * 2f - 1f;
        out.backward(NDArray.of(w, outShape).to(out.device()));

        int checked = 0;
        double maxAbs = 0, maxRel = 0;
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (!x.requiresGrad()) {
                if (x.grad() != null) throw new AssertionError(name + ": input " + i + " does not require grad but received one");
                continue;
            }
            NDArray grad = x.grad();
            if (grad != null && !Arrays.equals(grad.shape(), x.shape())) {
                throw new AssertionError(name + ": input " + i + " has shape " + Shape.str(x.shape())
                        + " but its gradient has shape " + Shape.str(grad.shape()));
            }
            float[] analytic = grad == null ? new float[(int) x.numel()] : grad.toFloatArray();
            float[] host = x.value().toFloatArray();
            for (int e = 0; e < host.length; e++) {
                float orig = host[e];
                host[e] = orig + eps;
                double plus = loss(inputs, x, host, w);
                double step = host[e];
                host[e] = orig - eps;
                double minus = loss(inputs, x, host, w);
                step -= host[e]; // the step float32 could represent, not the nominal 2 eps
                host[e] = orig;
                double numeric = (plus - minus) / step;
                double a = analytic[e];
                double err = Math.abs(a - numeric);
                double scale = Math.max(Math.abs(a), Math.abs(numeric));
                if (!(err <= atol + rtol * scale)) {
                    write(x, host);
                    throw new AssertionError(String.format(
                            "%s: gradient of input %d %s at element %s (flat %d): analytic %.6g, numeric %.6g "
                                    + "(abs error %.3g, allowed %.3g)", name, i, Shape.str(x.shape()),
                            Arrays.toString(unravel(e, x.shape())), e, a, numeric, err, atol + rtol * scale));
                }
                maxAbs = Math.max(maxAbs, err);
                if (scale > 0) maxRel = Math.max(maxRel, err / scale);
                checked++;
            }
            write(x, host);
        }
        return new Report(name, checked, maxAbs, maxRel);
    }

    /** L = sum(op(inputs) * w) in double, with x's elements replaced by host. */
    private double loss(Tensor[] inputs, Tensor x, float[] host, float[] w) {
        write(x, host);
        try (NoGrad ignored = NoGrad.enter()) {
            float[] y = op.apply(inputs).value().toFloatArray();
            double l = 0;
            for (int i = 0; i < y.length; i++) l += (double) y[i] * w[i];
            return l;
        }
    }

    /** Writes host into x's elements in place (through x's strides, so views as inputs work too). */
    private static void write(Tensor x, float[] host) {
        x.value().copyFrom(NDArray.of(host, x.shape()).to(x.device()));
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % Math.max(shape[d], 1);
            flat /= Math.max(shape[d], 1);
        }
        return idx;
    }
}
