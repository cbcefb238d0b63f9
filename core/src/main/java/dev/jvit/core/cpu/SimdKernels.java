package dev.jvit.core.cpu;

import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The shipped row kernels, written with the Vector API; {@link ScalarKernels} is their reference twin and
 * {@code KernelConformanceTest} holds them to it.
 *
 * <p>How every kernel is laid out, and why:
 * <ul>
 *   <li>One method per operation, with the operator written as a constant in the loop. The Vector API is
 *       only intrinsified when C2 sees the operator as a constant and the vectors never leave inlined code;
 *       a {@code switch} over the op inside the loop (measured: 20x slower at n = 4096) or a vector passed
 *       through a method C2 declines to inline falls back to boxed vectors, 10-50x slower, silently.</li>
 *   <li>An unmasked main loop to {@code loopBound(n)}, then a tail. Where the op is exact IEEE arithmetic
 *       (add, mul, max, compare...) the tail is scalar and bit-identical to the vector lanes. The polynomial
 *       transcendentals ({@link SimdMath}) only ever see whole vectors: their tail is copied into a padded
 *       one-vector slot of a per-thread scratch array and run through the same code, so an element's value
 *       does not depend on where it sits in the row (masked loads and stores measured 25% slower).</li>
 *   <li>Reductions keep two vector accumulators (to hide add latency) and reduce across lanes once.</li>
 *   <li>Fast paths for stride 1 (load) and stride 0 (broadcast once). Other strides are gathered into the
 *       contiguous output first and then processed in place, unless input and output share an array, in
 *       which case the plain scalar loop runs (the gather could overwrite input not yet read).</li>
 * </ul>
 * Rows are often short (8 to 64 floats in small ViTs), so nothing here allocates or builds lambdas.
 */
public final class SimdKernels implements CpuKernels {

    private static final VectorSpecies<Float> S = SimdMath.SPECIES;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());

    /** The vector width in bits these kernels run with (256 or 512 on x86). */
    public static int vectorBits() {
        return S.vectorBitSize();
    }

    @Override
    public String name() {
        return "simd";
    }

    private static FloatVector load(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** out[oo + i] = x[xo + i*stride]: brings a strided or broadcast row into the contiguous output. */
    private static void gather(float[] x, int xo, int stride, float[] out, int oo, int n) {
        if (stride == 0) {
            FloatVector v = bc(x[xo]);
            int i = 0;
            for (int ub = S.loopBound(n); i < ub; i += L) v.intoArray(out, oo + i);
            for (; i < n; i++) out[oo + i] = x[xo];
        } else {
            for (int i = 0; i < n; i++) out[oo + i] = x[xo + i * stride];
        }
    }

    // ---- transcendental elementwise functions ----------------------------------------------------------

    /** The SimdMath routines that {@link #elementwise} drives. */
    private enum Fn { EXP, LOG, TANH, SIGMOID, ERF, GELU_ERF, GELU_TANH, GELU_ERF_BACKWARD, GELU_TANH_BACKWARD }

    /**
     * out[oo + i] = f(x[xo + i]) (and of dy[dyo + i] for the backward ones) for i in [0, n). The whole vectors
     * go to SimdMath in blocks of {@link SimdMath#BLOCK}, with this thread's scratch for temporaries; the last
     * n mod L elements are copied into a zero-padded one-vector slot, computed there with the very same
     * code, and copied out, so no polynomial needs a scalar or masked copy. Each step reads x[i] (and dy[i])
     * before it writes out[i], so out may be x or dy.
     */
    private static void elementwise(Fn f, float[] x, int xo, float[] dy, int dyo, float[] out, int oo, int n) {
        float[] s = SimdMath.scratch();
        int whole = S.loopBound(n);
        for (int b = 0; b < whole; b += SimdMath.BLOCK) {
            int count = Math.min(SimdMath.BLOCK, whole - b);
            run(f, x, xo + b, dy, dyo + b, out, oo + b, count, s);
        }
        int rest = n - whole;
        if (rest > 0) {
            padTail(x, xo + whole, rest, s, SimdMath.TAIL_X, 0f);
            if (dy != null) padTail(dy, dyo + whole, rest, s, SimdMath.TAIL_Y, 0f);
            run(f, s, SimdMath.TAIL_X, s, SimdMath.TAIL_Y, s, SimdMath.TAIL_OUT, L, s);
            System.arraycopy(s, SimdMath.TAIL_OUT, out, oo + whole, rest);
        }
    }

    /** dst[doff, doff + L) = src[so, so + rest) followed by pad: a partial vector made whole. */
    private static void padTail(float[] src, int so, int rest, float[] dst, int doff, float pad) {
        System.arraycopy(src, so, dst, doff, rest);
        for (int i = rest; i < L; i++) dst[doff + i] = pad;
    }

    private static void run(Fn f, float[] x, int xo, float[] dy, int dyo, float[] out, int oo, int count,
                            float[] tmp) {
        switch (f) {
            case EXP -> SimdMath.exp(x, xo, out, oo, count);
            case LOG -> SimdMath.log(x, xo, out, oo, count);
            case TANH -> SimdMath.tanh(x, xo, out, oo, count, tmp, 0);
            case SIGMOID -> SimdMath.sigmoid(x, xo, out, oo, count, tmp, 0);
            case ERF -> SimdMath.erf(x, xo, out, oo, count, tmp, 0);
            case GELU_ERF -> SimdMath.geluErf(x, xo, out, oo, count, tmp, 0);
            case GELU_TANH -> SimdMath.geluTanh(x, xo, out, oo, count, tmp, 0);
            case GELU_ERF_BACKWARD -> SimdMath.geluErfBackward(x, xo, dy, dyo, out, oo, count, tmp, 0);
            case GELU_TANH_BACKWARD -> SimdMath.geluTanhBackward(x, xo, dy, dyo, out, oo, count, tmp, 0);
        }
    }

    // ---- unary ----------------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, float[] x, int xOff, int xStride, float[] out, int outOff, int n) {
        if (n <= 0) return;
        if (xStride != 1) {
            if (x == out) {
                for (int i = 0; i < n; i++) out[outOff + i] = ScalarKernels.apply(op, x[xOff + i * xStride]);
                return;
            }
            gather(x, xOff, xStride, out, outOff, n);
            x = out;
            xOff = outOff;
        }
        switch (op) {
            case NEG -> neg(x, xOff, out, outOff, n);
            case EXP -> elementwise(Fn.EXP, x, xOff, null, 0, out, outOff, n);
            case LOG -> elementwise(Fn.LOG, x, xOff, null, 0, out, outOff, n);
            case SQRT -> sqrt(x, xOff, out, outOff, n);
            case RSQRT -> rsqrt(x, xOff, out, outOff, n);
            case TANH -> elementwise(Fn.TANH, x, xOff, null, 0, out, outOff, n);
            case ERF -> elementwise(Fn.ERF, x, xOff, null, 0, out, outOff, n);
            case ABS -> abs(x, xOff, out, outOff, n);
            case RELU -> relu(x, xOff, out, outOff, n);
            case SIGMOID -> elementwise(Fn.SIGMOID, x, xOff, null, 0, out, outOff, n);
            case STEP -> step(x, xOff, out, outOff, n);
        }
    }

    private static void neg(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) load(x, xo + i).neg().intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = -x[xo + i];
    }

    private static void abs(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) load(x, xo + i).abs().intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.abs(x[xo + i]);
    }

    private static void sqrt(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) load(x, xo + i).sqrt().intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = (float) Math.sqrt(x[xo + i]);
    }

    private static void rsqrt(float[] x, int xo, float[] out, int oo, int n) {
        // 1/sqrt(x) with two float roundings; no approximate rsqrt instruction, which has only 12 bits
        FloatVector one = bc(1f);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) one.div(load(x, xo + i).sqrt()).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = 1f / (float) Math.sqrt(x[xo + i]);
    }

    private static void relu(float[] x, int xo, float[] out, int oo, int n) {
        // max(x, 0) keeps NaN, as torch.relu and the scalar twin do
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) load(x, xo + i).max(zero).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.max(x[xo + i], 0f);
    }

    private static void step(float[] x, int xo, float[] out, int oo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector v = load(x, xo + i);
            zero.blend(1f, v.compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] > 0f ? 1f : 0f;
    }

    // ---- pow ------------------------------------------------------------------------------------------

    /**
     * The exponents that models use (2, 1, 0, 0.5, -1) are exact vector arithmetic and give the same floats
     * as {@code (float) Math.pow}; any other exponent runs Math.pow per element, which no polynomial here
     * would match to a few ulp over pow's whole range.
     */
    @Override
    public void powScalar(float[] x, int xOff, int xStride, float exponent, float[] out, int outOff, int n) {
        if (n <= 0) return;
        boolean fast = exponent == 2f || exponent == 1f || exponent == 0f || exponent == 0.5f || exponent == -1f;
        if (!fast || (xStride != 1 && x == out)) {
            for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.pow(x[xOff + i * xStride], exponent);
            return;
        }
        if (xStride != 1) {
            gather(x, xOff, xStride, out, outOff, n);
            x = out;
            xOff = outOff;
        }
        if (exponent == 2f) {
            square(x, xOff, out, outOff, n);
        } else if (exponent == 1f) {
            if (x != out || xOff != outOff) System.arraycopy(x, xOff, out, outOff, n);
        } else if (exponent == 0f) {
            java.util.Arrays.fill(out, outOff, outOff + n, 1f); // pow(anything, 0) is 1, NaN included
        } else if (exponent == 0.5f) {
            sqrtPow(x, xOff, out, outOff, n);
        } else {
            reciprocal(x, xOff, out, outOff, n);
        }
    }

    private static void square(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector v = load(x, xo + i);
            v.mul(v).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] * x[xo + i];
    }

    /** pow(x, 0.5) differs from sqrt at -0 (gives +0) and -inf (gives +inf). */
    private static void sqrtPow(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector v = load(x, xo + i);
            v.sqrt().add(0f).blend(Float.POSITIVE_INFINITY, v.eq(Float.NEGATIVE_INFINITY)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = (float) Math.pow(x[xo + i], 0.5);
    }

    private static void reciprocal(float[] x, int xo, float[] out, int oo, int n) {
        FloatVector one = bc(1f);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) one.div(load(x, xo + i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = 1f / x[xo + i];
    }

    // ---- binary ---------------------------------------------------------------------------------------

    @Override
    public void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                       float[] out, int outOff, int n) {
        if (n <= 0) return;
        boolean aFast = aStride == 0 || aStride == 1;
        boolean bFast = bStride == 0 || bStride == 1;
        if (op == BinaryOp.POW || (aStride == 0 && bStride == 0)) {
            // pow has no exact vector form; two broadcasts are one value, computed once
            if (aStride == 0 && bStride == 0) {
                java.util.Arrays.fill(out, outOff, outOff + n, ScalarKernels.apply(op, a[aOff], b[bOff]));
            } else {
                scalarBinary(op, a, aOff, aStride, b, bOff, bStride, out, outOff, 0, n);
            }
            return;
        }
        if (!aFast || !bFast) {
            if (aFast == bFast || a == out || b == out) {
                scalarBinary(op, a, aOff, aStride, b, bOff, bStride, out, outOff, 0, n);
                return;
            }
            if (!aFast) {
                gather(a, aOff, aStride, out, outOff, n);
                a = out;
                aOff = outOff;
                aStride = 1;
            } else {
                gather(b, bOff, bStride, out, outOff, n);
                b = out;
                bOff = outOff;
                bStride = 1;
            }
        }
        // layout: 0 both rows, 1 b broadcast, 2 a broadcast
        int layout = aStride == 1 ? (bStride == 1 ? 0 : 1) : 2;
        int done = switch (op) {
            case ADD -> add(layout, a, aOff, b, bOff, out, outOff, n);
            case SUB -> sub(layout, a, aOff, b, bOff, out, outOff, n);
            case MUL -> mul(layout, a, aOff, b, bOff, out, outOff, n);
            case DIV -> div(layout, a, aOff, b, bOff, out, outOff, n);
            case MAX -> max(layout, a, aOff, b, bOff, out, outOff, n);
            case MIN -> min(layout, a, aOff, b, bOff, out, outOff, n);
            case EQ -> eq(layout, a, aOff, b, bOff, out, outOff, n);
            case NE -> ne(layout, a, aOff, b, bOff, out, outOff, n);
            case LT -> lt(layout, a, aOff, b, bOff, out, outOff, n);
            case LE -> le(layout, a, aOff, b, bOff, out, outOff, n);
            case GT -> gt(layout, a, aOff, b, bOff, out, outOff, n);
            case GE -> ge(layout, a, aOff, b, bOff, out, outOff, n);
            case POW -> throw new AssertionError("handled above");
        };
        // IEEE arithmetic and comparisons are exact, so the scalar tail matches the vector lanes bit for bit
        scalarBinary(op, a, aOff, aStride, b, bOff, bStride, out, outOff, done, n);
    }

    private static void scalarBinary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff,
                                     int bStride, float[] out, int outOff, int from, int n) {
        for (int i = from; i < n; i++) {
            out[outOff + i] = ScalarKernels.apply(op, a[aOff + i * aStride], b[bOff + i * bStride]);
        }
    }

    // Each binary op: three loops for the three layouts, returning how many elements were done (a multiple
    // of the vector length). The repetition is deliberate, see the class comment.

    private static int add(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) load(a, ao + i).add(load(b, bo + i)).intoArray(out, oo + i);
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) load(a, ao + i).add(y).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) x.add(load(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int sub(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) load(a, ao + i).sub(load(b, bo + i)).intoArray(out, oo + i);
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) load(a, ao + i).sub(y).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) x.sub(load(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int mul(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) load(a, ao + i).mul(load(b, bo + i)).intoArray(out, oo + i);
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) load(a, ao + i).mul(y).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) x.mul(load(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int div(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) load(a, ao + i).div(load(b, bo + i)).intoArray(out, oo + i);
        } else if (layout == 1) {
            // a true division, not a multiply by 1/b, so results stay bit-identical to the scalar twin
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) load(a, ao + i).div(y).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) x.div(load(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int max(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) load(a, ao + i).max(load(b, bo + i)).intoArray(out, oo + i);
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) load(a, ao + i).max(y).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) x.max(load(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int min(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) load(a, ao + i).min(load(b, bo + i)).intoArray(out, oo + i);
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) load(a, ao + i).min(y).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) x.min(load(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    // Comparisons write 1.0 where the mask is set: zero.blend(1, mask) is one vblendv / masked move.

    private static int eq(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        FloatVector z = FloatVector.zero(S);
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) {
                z.blend(1f, load(a, ao + i).compare(VectorOperators.EQ, load(b, bo + i)))
                        .intoArray(out, oo + i);
            }
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) z.blend(1f, load(a, ao + i).compare(VectorOperators.EQ, y)).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) z.blend(1f, x.compare(VectorOperators.EQ, load(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int ne(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        FloatVector z = FloatVector.zero(S);
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) {
                z.blend(1f, load(a, ao + i).compare(VectorOperators.NE, load(b, bo + i)))
                        .intoArray(out, oo + i);
            }
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) z.blend(1f, load(a, ao + i).compare(VectorOperators.NE, y)).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) z.blend(1f, x.compare(VectorOperators.NE, load(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int lt(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        FloatVector z = FloatVector.zero(S);
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) {
                z.blend(1f, load(a, ao + i).compare(VectorOperators.LT, load(b, bo + i)))
                        .intoArray(out, oo + i);
            }
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) z.blend(1f, load(a, ao + i).compare(VectorOperators.LT, y)).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) z.blend(1f, x.compare(VectorOperators.LT, load(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int le(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        FloatVector z = FloatVector.zero(S);
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) {
                z.blend(1f, load(a, ao + i).compare(VectorOperators.LE, load(b, bo + i)))
                        .intoArray(out, oo + i);
            }
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) z.blend(1f, load(a, ao + i).compare(VectorOperators.LE, y)).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) z.blend(1f, x.compare(VectorOperators.LE, load(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int gt(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        FloatVector z = FloatVector.zero(S);
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) {
                z.blend(1f, load(a, ao + i).compare(VectorOperators.GT, load(b, bo + i)))
                        .intoArray(out, oo + i);
            }
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) z.blend(1f, load(a, ao + i).compare(VectorOperators.GT, y)).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) z.blend(1f, x.compare(VectorOperators.GT, load(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int ge(int layout, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        FloatVector z = FloatVector.zero(S);
        int i = 0, ub = S.loopBound(n);
        if (layout == 0) {
            for (; i < ub; i += L) {
                z.blend(1f, load(a, ao + i).compare(VectorOperators.GE, load(b, bo + i)))
                        .intoArray(out, oo + i);
            }
        } else if (layout == 1) {
            FloatVector y = bc(b[bo]);
            for (; i < ub; i += L) z.blend(1f, load(a, ao + i).compare(VectorOperators.GE, y)).intoArray(out, oo + i);
        } else {
            FloatVector x = bc(a[ao]);
            for (; i < ub; i += L) z.blend(1f, x.compare(VectorOperators.GE, load(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    // ---- reductions -----------------------------------------------------------------------------------

    @Override
    public float sum(float[] x, int off, int stride, int n) {
        if (stride == 1) return sumContiguous(x, off, n);
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[off + i * stride];
        return s;
    }

    private static float sumContiguous(float[] x, int off, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (int ub2 = n & -(2 * L); i < ub2; i += 2 * L) {
            acc0 = acc0.add(load(x, off + i));
            acc1 = acc1.add(load(x, off + i + L));
        }
        for (int ub = S.loopBound(n); i < ub; i += L) acc0 = acc0.add(load(x, off + i));
        float s = LaneSums.sum(acc0.add(acc1));
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    @Override
    public float max(float[] x, int off, int stride, int n) {
        if (stride == 1) return maxContiguous(x, off, n);
        float m = x[off];
        for (int i = 1; i < n; i++) m = Math.max(m, x[off + i * stride]);
        return m;
    }

    private static float maxContiguous(float[] x, int off, int n) {
        // lanewise MAX has Math.max semantics (NaN wins, +0 above -0), like the scalar twin
        FloatVector acc0 = bc(Float.NEGATIVE_INFINITY), acc1 = acc0;
        int i = 0;
        for (int ub2 = n & -(2 * L); i < ub2; i += 2 * L) {
            acc0 = acc0.max(load(x, off + i));
            acc1 = acc1.max(load(x, off + i + L));
        }
        for (int ub = S.loopBound(n); i < ub; i += L) acc0 = acc0.max(load(x, off + i));
        float m = acc0.max(acc1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    @Override
    public float min(float[] x, int off, int stride, int n) {
        if (stride == 1) return minContiguous(x, off, n);
        float m = x[off];
        for (int i = 1; i < n; i++) m = Math.min(m, x[off + i * stride]);
        return m;
    }

    private static float minContiguous(float[] x, int off, int n) {
        FloatVector acc0 = bc(Float.POSITIVE_INFINITY), acc1 = acc0;
        int i = 0;
        for (int ub2 = n & -(2 * L); i < ub2; i += 2 * L) {
            acc0 = acc0.min(load(x, off + i));
            acc1 = acc1.min(load(x, off + i + L));
        }
        for (int ub = S.loopBound(n); i < ub; i += L) acc0 = acc0.min(load(x, off + i));
        float m = acc0.min(acc1).reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) m = Math.min(m, x[off + i]);
        return m;
    }

    /** Sum of a[ao+i]·b[bo+i], fma into two accumulators. */
    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (int ub2 = n & -(2 * L); i < ub2; i += 2 * L) {
            acc0 = load(a, ao + i).fma(load(b, bo + i), acc0);
            acc1 = load(a, ao + i + L).fma(load(b, bo + i + L), acc1);
        }
        for (int ub = S.loopBound(n); i < ub; i += L) acc0 = load(a, ao + i).fma(load(b, bo + i), acc0);
        float s = LaneSums.sum(acc0.add(acc1));
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public void accumulate(ReduceOp op, float[] x, int xOff, int xStride, float[] acc, int accOff, int n) {
        if (n <= 0) return;
        if (xStride != 0 && xStride != 1) {
            for (int i = 0; i < n; i++) {
                float v = x[xOff + i * xStride];
                float a = acc[accOff + i];
                acc[accOff + i] = switch (op) {
                    case SUM, MEAN -> a + v;
                    case MAX -> Math.max(a, v);
                    case MIN -> Math.min(a, v);
                };
            }
            return;
        }
        switch (op) {
            case SUM, MEAN -> add(xStride == 1 ? 0 : 1, acc, accOff, x, xOff, acc, accOff, n);
            case MAX -> max(xStride == 1 ? 0 : 1, acc, accOff, x, xOff, acc, accOff, n);
            case MIN -> min(xStride == 1 ? 0 : 1, acc, accOff, x, xOff, acc, accOff, n);
        }
        BinaryOp combine = switch (op) {
            case SUM, MEAN -> BinaryOp.ADD;
            case MAX -> BinaryOp.MAX;
            case MIN -> BinaryOp.MIN;
        };
        scalarBinary(combine, acc, accOff, 1, x, xOff, xStride, acc, accOff, S.loopBound(n), n);
    }

    /**
     * Sums of unit-stride rows with the running column sums held in registers across the rows (two vectors
     * at a time, then one, then the columns left one by one), instead of a load and a store of acc per row:
     * the bias gradient of a (6400, 8) output took 50 us as strided sums and 64 us as 6400 accumulate calls.
     * Each column still adds its rows in order, so the bits are those of the row-by-row default.
     */
    @Override
    public void accumulateRows(ReduceOp op, float[] x, int xOff, int rowStride, int rows, int xStride, float[] acc,
                               int accOff, int n) {
        if (xStride != 1 || (op != ReduceOp.SUM && op != ReduceOp.MEAN)) {
            CpuKernels.super.accumulateRows(op, x, xOff, rowStride, rows, xStride, acc, accOff, n);
            return;
        }
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector a0 = load(acc, accOff + j), a1 = load(acc, accOff + j + L);
            for (int r = 0; r < rows; r++) {
                int o = xOff + r * rowStride + j;
                a0 = a0.add(load(x, o));
                a1 = a1.add(load(x, o + L));
            }
            a0.intoArray(acc, accOff + j);
            a1.intoArray(acc, accOff + j + L);
        }
        for (; j + L <= n; j += L) {
            FloatVector a0 = load(acc, accOff + j);
            for (int r = 0; r < rows; r++) a0 = a0.add(load(x, xOff + r * rowStride + j));
            a0.intoArray(acc, accOff + j);
        }
        for (; j < n; j++) {
            float a = acc[accOff + j];
            for (int r = 0; r < rows; r++) a += x[xOff + r * rowStride + j];
            acc[accOff + j] = a;
        }
    }

    // ---- dropout --------------------------------------------------------------------------------------

    /** {@link ScalarKernels#dropoutBits} in int lanes, L elements per pass; the tail takes the scalar hash. */
    @Override
    public void dropout(float[] x, int xOff, float[] out, int outOff, int from, int to, long key, int threshold,
                        float scale) {
        int k0 = (int) key, k1 = (int) (key >>> 32);
        IntVector lane = IntVector.zero(INTS).addIndex(1);
        FloatVector kept = bc(scale), dropped = FloatVector.zero(S);
        int i = from;
        for (; i + L <= to; i += L) {
            IntVector h = lane.add(i).mul(ScalarKernels.HASH_GOLDEN).add(k0);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(ScalarKernels.HASH_MIX1);
            h = h.lanewise(VectorOperators.XOR, k1);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 13)).mul(ScalarKernels.HASH_MIX2);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).lanewise(VectorOperators.LSHR, 8);
            VectorMask<Float> keep = h.compare(VectorOperators.GE, threshold).cast(S);
            load(x, xOff + i).mul(dropped.blend(kept, keep)).intoArray(out, outOff + i);
        }
        for (; i < to; i++) {
            out[outOff + i] = x[xOff + i] * (ScalarKernels.dropoutBits(k0, k1, i) >= threshold ? scale : 0f);
        }
    }

    // ---- softmax --------------------------------------------------------------------------------------

    @Override
    public void attentionHead(float[] qkv, int qBase, int kBase, int vBase, int rowStride, int n, int d, float scale,
                              float[] probs, int pOff, float[] out, int oOff, int outRowStride, float[] scratch) {
        SimdAttention.forward(qkv, qBase, kBase, vBase, rowStride, n, d, scale, probs, pOff, out, oOff,
                outRowStride, scratch);
    }

    @Override
    public void attentionHeadBackward(float[] qkv, int qBase, int kBase, int vBase, int rowStride, int n, int d,
                                      float scale, float[] probs, int pOff, float[] dOut, int dBase, int dRowStride,
                                      float[] dqkv, int dqBase, int dkBase, int dvBase, float[] scratch) {
        SimdAttention.backward(qkv, qBase, kBase, vBase, rowStride, n, d, scale, probs, pOff, dOut, dBase, dRowStride,
                dqkv, dqBase, dkBase, dvBase, scratch);
    }

    @Override
    public void softmaxRow(float[] x, int xOff, float[] out, int outOff, int n) {
        if (n <= 0) return;
        // four passes over a row that stays in L1: x - max, exp in place, sum, scale
        addScalar(x, xOff, -maxContiguous(x, xOff, n), out, outOff, n);
        elementwise(Fn.EXP, out, outOff, null, 0, out, outOff, n);
        // one division, then multiplies: within an ulp of dividing each element as the scalar twin does
        scale(out, outOff, 1f / sumContiguous(out, outOff, n), n);
    }

    /** out = x + c. */
    private static void addScalar(float[] x, int xo, float c, float[] out, int oo, int n) {
        FloatVector cv = bc(c);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) load(x, xo + i).add(cv).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = x[xo + i] + c;
    }

    /** a *= c in place. */
    private static void scale(float[] a, int off, float c, int n) {
        FloatVector cv = bc(c);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) load(a, off + i).mul(cv).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] *= c;
    }

    /**
     * Sum of exp(x - max) over a row, block by block through the scratch (the row itself is left alone, so
     * out may be x in logSoftmaxRow). Blocks are padded with -inf, whose exp is exactly 0.
     */
    private static float sumExp(float[] x, int xOff, float max, int n) {
        float[] s = SimdMath.scratch();
        float sum = 0f;
        for (int b = 0; b < n; b += SimdMath.BLOCK) {
            int count = Math.min(SimdMath.BLOCK, n - b);
            int padded = (count + L - 1) & -L;
            addScalar(x, xOff + b, -max, s, 0, count);
            for (int i = count; i < padded; i++) s[i] = Float.NEGATIVE_INFINITY;
            SimdMath.exp(s, 0, s, 0, padded);
            sum += sumContiguous(s, 0, padded);
        }
        return sum;
    }

    @Override
    public void logSoftmaxRow(float[] x, int xOff, float[] out, int outOff, int n) {
        if (n <= 0) return;
        float max = maxContiguous(x, xOff, n);
        float logSum = (float) Math.log(sumExp(x, xOff, max, n));
        FloatVector mv = bc(max), lv = bc(logSum);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) load(x, xOff + i).sub(mv).sub(lv).intoArray(out, outOff + i);
        for (; i < n; i++) out[outOff + i] = x[xOff + i] - max - logSum;
    }

    @Override
    public void softmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        if (n <= 0) return;
        float dotS = dot(dy, dyOff, y, yOff, n);
        FloatVector d = bc(dotS);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            load(y, yOff + i).mul(load(dy, dyOff + i).sub(d)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) dx[dxOff + i] = y[yOff + i] * (dy[dyOff + i] - dotS);
    }

    /** dx = dy - e^y·sum(dy): e^y goes block by block through the scratch, so dx may be dy. */
    @Override
    public void logSoftmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        if (n <= 0) return;
        float sumDy = sumContiguous(dy, dyOff, n);
        FloatVector negSum = bc(-sumDy);
        float[] s = SimdMath.scratch();
        for (int b = 0; b < n; b += SimdMath.BLOCK) {
            int count = Math.min(SimdMath.BLOCK, n - b);
            int whole = S.loopBound(count);
            System.arraycopy(y, yOff + b, s, 0, count);
            int padded = (count + L - 1) & -L;
            for (int i = count; i < padded; i++) s[i] = 0f;
            SimdMath.exp(s, 0, s, 0, padded);
            int i = 0;
            for (; i < whole; i += L) {
                load(s, i).fma(negSum, load(dy, dyOff + b + i)).intoArray(dx, dxOff + b + i); // -sum·e^y + dy
            }
            for (; i < count; i++) dx[dxOff + b + i] = dy[dyOff + b + i] - s[i] * sumDy;
        }
    }

    // ---- layer norm -----------------------------------------------------------------------------------

    /**
     * The statistics are float vector sums, where the scalar twin uses double. Two things keep them within
     * about 1e-7 of it: the mean is summed as x - x[0] (a row of large values with a small spread would
     * otherwise lose its spread to rounding), and every lane sums only n/(2L) terms.
     */
    @Override
    public void layerNormRow(float[] x, int xOff, float[] w, float[] b, float eps, float[] y, int yOff, int n,
                             float[] mean, float[] rstd, int row) {
        if (n <= 0) { // an empty row has no statistics, as 0/0 gives in the scalar twin
            mean[row] = Float.NaN;
            rstd[row] = Float.NaN;
            return;
        }
        float shift = x[xOff];
        FloatVector sh = bc(shift);
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int i = 0;
        int ub = S.loopBound(n);
        for (int ub2 = n & -(2 * L); i < ub2; i += 2 * L) {
            a0 = a0.add(load(x, xOff + i).sub(sh));
            a1 = a1.add(load(x, xOff + i + L).sub(sh));
        }
        for (; i < ub; i += L) a0 = a0.add(load(x, xOff + i).sub(sh));
        float s = LaneSums.sum(a0.add(a1));
        for (; i < n; i++) s += x[xOff + i] - shift;
        float mu = shift + s / n;

        FloatVector m = bc(mu);
        a0 = FloatVector.zero(S);
        a1 = FloatVector.zero(S);
        i = 0;
        for (int ub2 = n & -(2 * L); i < ub2; i += 2 * L) {
            FloatVector d0 = load(x, xOff + i).sub(m);
            FloatVector d1 = load(x, xOff + i + L).sub(m);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        for (; i < ub; i += L) {
            FloatVector d = load(x, xOff + i).sub(m);
            a0 = d.fma(d, a0);
        }
        float ss = LaneSums.sum(a0.add(a1));
        for (; i < n; i++) {
            float d = x[xOff + i] - mu;
            ss += d * d;
        }
        float r = (float) (1.0 / Math.sqrt((double) ss / n + eps));
        mean[row] = mu;
        rstd[row] = r;

        FloatVector rv = bc(r);
        i = 0;
        if (w != null && b != null) {
            for (; i < ub; i += L) {
                load(x, xOff + i).sub(m).mul(rv).fma(load(w, i), load(b, i)).intoArray(y, yOff + i);
            }
        } else if (w != null) {
            for (; i < ub; i += L) load(x, xOff + i).sub(m).mul(rv).mul(load(w, i)).intoArray(y, yOff + i);
        } else if (b != null) {
            for (; i < ub; i += L) load(x, xOff + i).sub(m).mul(rv).add(load(b, i)).intoArray(y, yOff + i);
        } else {
            for (; i < ub; i += L) load(x, xOff + i).sub(m).mul(rv).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = (x[xOff + i] - mu) * r;
            if (w != null) v *= w[i];
            if (b != null) v += b[i];
            y[yOff + i] = v;
        }
    }

    /**
     * Rows of exactly one vector (mnist-tiny's width of 8 on AVX2) run as one straight pass per row, no loops
     * or tails, about 4x faster than the general row kernel there (its loop set-up dominates an 8-float row).
     * The operations are the general kernel's at n = L, in the same order, so the bits are the same.
     */
    @Override
    public void layerNormRows(float[] x, int xOff, float[] w, float[] b, float eps, float[] y, int yOff, int n,
                              float[] mean, float[] rstd, int from, int to) {
        if (n != L) {
            CpuKernels.super.layerNormRows(x, xOff, w, b, eps, y, yOff, n, mean, rstd, from, to);
            return;
        }
        FloatVector wv = w == null ? null : load(w, 0), bv = b == null ? null : load(b, 0);
        for (int r = from; r < to; r++) {
            int xo = xOff + r * L;
            FloatVector v = load(x, xo);
            float shift = x[xo];
            float mu = shift + LaneSums.sum(v.sub(shift)) / L;
            FloatVector d = v.sub(mu);
            float rs = (float) (1.0 / Math.sqrt((double) LaneSums.sum(d.mul(d)) / L + eps));
            FloatVector out = d.mul(rs);
            if (wv != null && bv != null) out = out.fma(wv, bv);
            else if (wv != null) out = out.mul(wv);
            else if (bv != null) out = out.add(bv);
            out.intoArray(y, yOff + r * L);
            mean[r] = mu;
            rstd[r] = rs;
        }
    }

    /**
     * One-vector rows as in {@link #layerNormRows}; dw and db are summed in registers across the rows, in row
     * order, as the general kernel sums them in the arrays.
     */
    @Override
    public void layerNormBackwardRows(float[] dy, int dyOff, float[] x, int xOff, float[] w, float[] mean,
                                      float[] rstd, float[] dx, int dxOff, float[] dw, float[] db, int n,
                                      int from, int to) {
        if (n != L) {
            CpuKernels.super.layerNormBackwardRows(dy, dyOff, x, xOff, w, mean, rstd, dx, dxOff, dw, db, n, from, to);
            return;
        }
        FloatVector wv = w == null ? null : load(w, 0);
        FloatVector dwAcc = dw == null ? null : load(dw, 0), dbAcc = db == null ? null : load(db, 0);
        for (int r = from; r < to; r++) {
            FloatVector rv = bc(rstd[r]);
            FloatVector d = load(dy, dyOff + r * L);
            FloatVector g = wv == null ? d : d.mul(wv);
            FloatVector xhat = load(x, xOff + r * L).sub(mean[r]).mul(rv);
            float gMean = LaneSums.sum(g) / L, gxMean = LaneSums.sum(g.mul(xhat)) / L;
            g.sub(gMean).sub(xhat.mul(gxMean)).mul(rv).intoArray(dx, dxOff + r * L);
            if (dwAcc != null) dwAcc = d.fma(xhat, dwAcc);
            if (dbAcc != null) dbAcc = dbAcc.add(d);
        }
        if (dwAcc != null) dwAcc.intoArray(dw, 0);
        if (dbAcc != null) dbAcc.intoArray(db, 0);
    }

    /**
     * llm.c's layernorm_backward: with g = dy·w and xhat = (x - mean)·rstd,
     * dx = rstd·(g - mean(g) - xhat·mean(g·xhat)); dw += dy·xhat; db += dy.
     */
    @Override
    public void layerNormBackwardRow(float[] dy, int dyOff, float[] x, int xOff, float[] w, float mean, float rstd,
                                     float[] dx, int dxOff, float[] dw, float[] db, int n) {
        if (n <= 0) return;
        FloatVector mv = bc(mean), rv = bc(rstd);
        int ub = S.loopBound(n);

        // pass 1: sums of g and g·xhat
        FloatVector gAcc = FloatVector.zero(S), gxAcc = FloatVector.zero(S);
        int i = 0;
        if (w != null) {
            for (; i < ub; i += L) {
                FloatVector g = load(dy, dyOff + i).mul(load(w, i));
                FloatVector xhat = load(x, xOff + i).sub(mv).mul(rv);
                gAcc = gAcc.add(g);
                gxAcc = g.fma(xhat, gxAcc);
            }
        } else {
            for (; i < ub; i += L) {
                FloatVector g = load(dy, dyOff + i);
                FloatVector xhat = load(x, xOff + i).sub(mv).mul(rv);
                gAcc = gAcc.add(g);
                gxAcc = g.fma(xhat, gxAcc);
            }
        }
        float gSum = LaneSums.sum(gAcc);
        float gxSum = LaneSums.sum(gxAcc);
        for (; i < n; i++) {
            float xhat = (x[xOff + i] - mean) * rstd;
            float g = w == null ? dy[dyOff + i] : dy[dyOff + i] * w[i];
            gSum += g;
            gxSum += g * xhat;
        }
        float gMean = gSum / n, gxMean = gxSum / n;

        // pass 2: dx = (g - gMean - xhat·gxMean)·rstd
        FloatVector gm = bc(gMean), gxm = bc(gxMean);
        i = 0;
        if (w != null) {
            for (; i < ub; i += L) {
                FloatVector g = load(dy, dyOff + i).mul(load(w, i));
                FloatVector xhat = load(x, xOff + i).sub(mv).mul(rv);
                g.sub(gm).sub(xhat.mul(gxm)).mul(rv).intoArray(dx, dxOff + i);
            }
        } else {
            for (; i < ub; i += L) {
                FloatVector xhat = load(x, xOff + i).sub(mv).mul(rv);
                load(dy, dyOff + i).sub(gm).sub(xhat.mul(gxm)).mul(rv).intoArray(dx, dxOff + i);
            }
        }
        for (; i < n; i++) {
            float xhat = (x[xOff + i] - mean) * rstd;
            float g = w == null ? dy[dyOff + i] : dy[dyOff + i] * w[i];
            dx[dxOff + i] = (g - gMean - xhat * gxMean) * rstd;
        }

        // parameter gradients, accumulated across rows by the caller's loop
        if (dw != null) {
            for (i = 0; i < ub; i += L) {
                FloatVector xhat = load(x, xOff + i).sub(mv).mul(rv);
                load(dy, dyOff + i).fma(xhat, load(dw, i)).intoArray(dw, i);
            }
            for (; i < n; i++) dw[i] += dy[dyOff + i] * ((x[xOff + i] - mean) * rstd);
        }
        if (db != null) {
            for (i = 0; i < ub; i += L) load(db, i).add(load(dy, dyOff + i)).intoArray(db, i);
            for (; i < n; i++) db[i] += dy[dyOff + i];
        }
    }

    // ---- GELU -----------------------------------------------------------------------------------------

    @Override
    public void gelu(GeluApproximation approximation, float[] x, int xOff, float[] out, int outOff, int n) {
        if (n <= 0) return;
        Fn f = approximation == GeluApproximation.TANH ? Fn.GELU_TANH : Fn.GELU_ERF;
        elementwise(f, x, xOff, null, 0, out, outOff, n);
    }

    @Override
    public void geluBackward(GeluApproximation approximation, float[] x, int xOff, float[] dy, int dyOff,
                             float[] dx, int dxOff, int n) {
        if (n <= 0) return;
        Fn f = approximation == GeluApproximation.TANH ? Fn.GELU_TANH_BACKWARD : Fn.GELU_ERF_BACKWARD;
        elementwise(f, x, xOff, dy, dyOff, dx, dxOff, n);
    }

    // ---- optimizer updates ----------------------------------------------------------------------------

    /** The tails of the optimizer updates run the reference loop: every op there is exact IEEE, so it matches. */
    private static final ScalarKernels UPDATE_TAIL = new ScalarKernels();

    @Override
    public void adamUpdate(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                           float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float l2,
                           float decay, float stepSize, float bc2Sqrt) {
        FloatVector b1 = bc(beta1), c1 = bc(oneMinusBeta1), b2 = bc(beta2), c2 = bc(oneMinusBeta2);
        FloatVector ev = bc(eps), l2v = bc(l2), dv = bc(decay), negStep = bc(-stepSize), bc2 = bc(bc2Sqrt);
        boolean withL2 = l2 != 0f;
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector pv = load(p, pOff + i), gv = load(g, gOff + i);
            if (withL2) gv = l2v.fma(pv, gv);
            pv = pv.mul(dv);
            // same operation order as the scalar twin: fma(beta, old, (1 - beta) * g)
            FloatVector mv = b1.fma(load(m, mOff + i), c1.mul(gv));
            FloatVector vv = b2.fma(load(v, vOff + i), c2.mul(gv).mul(gv));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2).add(ev);
            negStep.fma(mv.div(denom), pv).intoArray(p, pOff + i);
        }
        if (i < n) {
            UPDATE_TAIL.adamUpdate(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, beta1, oneMinusBeta1,
                    beta2, oneMinusBeta2, eps, l2, decay, stepSize, bc2Sqrt);
        }
    }

    @Override
    public void sgdUpdate(float[] p, int pOff, float[] g, int gOff, float[] buf, int bufOff, int n, float lr,
                          float momentum, float oneMinusDampening, boolean nesterov, float weightDecay,
                          boolean firstStep) {
        FloatVector wd = bc(weightDecay), mom = bc(momentum), damp = bc(oneMinusDampening), negLr = bc(-lr);
        boolean withDecay = weightDecay != 0f, withMomentum = buf != null;
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector pv = load(p, pOff + i), d = load(g, gOff + i);
            if (withDecay) d = wd.fma(pv, d);
            if (withMomentum) {
                FloatVector b = firstStep ? d : mom.fma(load(buf, bufOff + i), damp.mul(d));
                b.intoArray(buf, bufOff + i);
                d = nesterov ? mom.fma(b, d) : b;
            }
            negLr.fma(d, pv).intoArray(p, pOff + i);
        }
        if (i < n) {
            UPDATE_TAIL.sgdUpdate(p, pOff + i, g, gOff + i, buf, bufOff + i, n - i, lr, momentum, oneMinusDampening,
                    nesterov, weightDecay, firstStep);
        }
    }
}
