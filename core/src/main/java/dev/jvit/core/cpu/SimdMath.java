package dev.jvit.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised float transcendentals for {@link SimdKernels}: exp, log, tanh, sigmoid, erf, both GELUs and
 * their derivatives, each a lane-by-lane twin of the {@link ScalarMath} / {@code Math} function that
 * {@link ScalarKernels} uses, within a few ulp.
 *
 * <p>Shape of the code, and why. Every routine here works on WHOLE VECTORS of array data ({@code count} a
 * multiple of the vector length; {@link SimdKernels} sends tails through a padded scratch block) and is one
 * flat loop of Vector API calls, its constants broadcast once into locals before the loop. No method
 * takes or returns a {@code FloatVector}, not even a one-line constant helper: C2 inlines such a helper
 * only while its own compiled code is small and the call looks hot, and when it does not, every vector
 * crossing the call is boxed on the heap and the kernel runs 10-50x slower without a word. (Measured: a
 * {@code FloatVector erf(FloatVector)} helper calling {@code exp(FloatVector)} got compiled on its own,
 * "already compiled into a big method", and the GELU loop calling it ran at 8 ns per element instead of 1.)
 * Composite functions are therefore passes over a block held in a scratch array (L1-resident): for
 * example tanh is {@code tmp = 2|x|; exp(tmp); out = f(x, tmp)}, so exp is written once, here.
 *
 * <p>exp is Cephes' expf in vector form rather than {@code lanewise(VectorOperators.EXP)}: the JDK operator
 * is a call into the SVML stubs, which exist only for some CPUs and JDK builds and fall back to a scalar
 * loop per lane elsewhere. On the x86-64 build machine (Zen 4 running AVX2 code, Temurin 25) the SVML call
 * measured 0.41-0.52 ns/element against 0.53-0.68 for this polynomial (SimdBench, in the tests): a 25% gain
 * on one platform
 * was not worth a 10x loss on others.
 */
final class SimdMath {

    /**
     * The vector shape every SIMD kernel uses: the CPU's preferred one, or a narrower one asked for with
     * {@code -Djvit.simd.bits=256} (to compare 256- and 512-bit code on one machine). A wider shape than the
     * CPU's is never taken: it would not be intrinsified.
     */
    static final VectorSpecies<Float> SPECIES = chooseSpecies();
    private static final VectorSpecies<Float> S = SPECIES;
    private static final int L = S.length();

    /** Floats per block of a composite function: small enough that a few blocks stay in L1. */
    static final int BLOCK = 256;
    /** Scratch layout: two temporaries of BLOCK floats, then three one-vector tail slots (x, dy, out). */
    static final int TAIL_X = 2 * BLOCK;
    static final int TAIL_Y = TAIL_X + 16;
    static final int TAIL_OUT = TAIL_Y + 16;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[TAIL_OUT + 16]);

    private SimdMath() {}

    /** This thread's scratch block (see the layout constants); one lookup per kernel call, no allocation. */
    static float[] scratch() {
        return SCRATCH.get();
    }

    private static VectorSpecies<Float> chooseSpecies() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        String bits = System.getProperty("jvit.simd.bits");
        if (bits == null || bits.isBlank()) return preferred;
        int wanted;
        try {
            wanted = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jvit.simd.bits must be 128, 256 or 512, got '" + bits + "'");
        }
        if (wanted != 128 && wanted != 256 && wanted != 512) {
            throw new IllegalArgumentException("jvit.simd.bits must be 128, 256 or 512, got " + wanted);
        }
        if (wanted >= preferred.vectorBitSize()) return preferred;
        return preferred.withShape(VectorShape.forBitSize(wanted));
    }

    // 1.5 * 2^23: adding it to a float of magnitude < 2^22 rounds it to an integer held in the low mantissa
    // bits, so one add gives round(x) both as a float (subtract it again) and as an int (reinterpret).
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** Above this exp overflows to +inf; below {@link #EXP_ZERO} it rounds to 0, as Math.exp. */
    private static final float EXP_INF = 88.72283935546875f;
    private static final float EXP_ZERO = -104f;

    /**
     * out = e^x over count (a multiple of the vector length) elements; out may be x. Cephes expf:
     * x = n·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for e^r, times 2^n built in the exponent bits.
     * 2^n is applied as 2^(n/2)·2^(n-n/2) so that subnormal results (x down to -103.9) and results just
     * under FLT_MAX come out right; beyond the ends the result is blended to 0 or +inf. NaN stays NaN.
     */
    static void exp(float[] x, int xo, float[] out, int oo, int count) {
        exp(x, xo, 0f, out, oo, count, false);
    }

    /** The smallest x whose e^x is a normal float: ln(2^-126). */
    private static final float EXP_NORMAL_MIN = -87.33654475f;

    /**
     * out = e^(x - shift) for softmax scores, shift at least their largest: x - shift &lt;= 0, -inf (padding) or
     * NaN. With no overflow to guard against and the results below 2^-126 flushed to 0 (a probability of
     * 1e-38 next to the largest), 2^n is one multiply and one blend is left: 18 vector operations, the shift
     * included, instead of 24. One attention head of mnist-tiny (N = 50, D = 4) ran its forward in 5.3-5.5 us
     * against 5.9-6.6 with the general exp (alternating runs, one thread). A positive x - shift is outside the
     * contract (2^n would overflow the exponent bits).
     */
    static void expNonPositive(float[] x, int xo, float shift, float[] out, int oo, int count) {
        exp(x, xo, shift, out, oo, count, true);
    }

    /**
     * Both exps: nonPositive is the same for the whole loop, so C2 compiles one loop per value; only the
     * non-positive one subtracts the shift (the general exp takes 0 and never reads it).
     */
    private static void exp(float[] x, int xo, float shift, float[] out, int oo, int count, boolean nonPositive) {
        FloatVector log2e = FloatVector.broadcast(S, 1.44269504088896341f);
        FloatVector magic = FloatVector.broadcast(S, ROUND_MAGIC);
        // ln2 in a high part with few mantissa bits (n·hi is exact) and a low part, so r keeps its bits
        FloatVector ln2hi = FloatVector.broadcast(S, -0.693145751953125f);
        FloatVector ln2lo = FloatVector.broadcast(S, -1.428606765330187e-6f);
        FloatVector p0 = FloatVector.broadcast(S, 1.9875691500e-4f);
        FloatVector p1 = FloatVector.broadcast(S, 1.3981999507e-3f);
        FloatVector p2 = FloatVector.broadcast(S, 8.3334519073e-3f);
        FloatVector p3 = FloatVector.broadcast(S, 4.1665795894e-2f);
        FloatVector p4 = FloatVector.broadcast(S, 1.6666665459e-1f);
        FloatVector p5 = FloatVector.broadcast(S, 5.0000001201e-1f);
        FloatVector vshift = FloatVector.broadcast(S, shift);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            if (nonPositive) v = v.sub(vshift);
            FloatVector t = v.fma(log2e, magic);
            FloatVector n = t.sub(magic);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            FloatVector r = n.fma(ln2hi, v);
            r = n.fma(ln2lo, r);
            FloatVector p = r.fma(p0, p1).fma(r, p2).fma(r, p3).fma(r, p4).fma(r, p5);
            p = p.fma(r.mul(r), r).add(1f);
            if (nonPositive) {
                p = p.mul(ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                p = p.blend(0f, v.compare(VectorOperators.LT, EXP_NORMAL_MIN));
            } else {
                IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
                IntVector n2 = ni.sub(n1);
                p = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                p = p.mul(n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                // compare-and-blend rather than max/min clamps: Java's max/min NaN rules cost extra instructions
                p = p.blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.GT, EXP_INF));
                p = p.blend(0f, v.compare(VectorOperators.LT, EXP_ZERO));
            }
            p.intoArray(out, oo + i);
        }
    }

    /**
     * out = ln x over count elements (a multiple of the vector length); out may be x. Cephes logf:
     * x = m·2^e with m in [√½, √2), ln(1 + (m-1)) by a degree-9 polynomial, plus e·ln2 in two parts.
     * Subnormal inputs are scaled by 2^23 first; 0 gives -inf, negatives NaN, +inf and NaN themselves.
     */
    static void log(float[] x, int xo, float[] out, int oo, int count) {
        FloatVector q0 = FloatVector.broadcast(S, 7.0376836292e-2f);
        FloatVector q1 = FloatVector.broadcast(S, -1.1514610310e-1f);
        FloatVector q2 = FloatVector.broadcast(S, 1.1676998740e-1f);
        FloatVector q3 = FloatVector.broadcast(S, -1.2420140846e-1f);
        FloatVector q4 = FloatVector.broadcast(S, 1.4249322787e-1f);
        FloatVector q5 = FloatVector.broadcast(S, -1.6668057665e-1f);
        FloatVector q6 = FloatVector.broadcast(S, 2.0000714765e-1f);
        FloatVector q7 = FloatVector.broadcast(S, -2.4999993993e-1f);
        FloatVector q8 = FloatVector.broadcast(S, 3.3333331174e-1f);
        FloatVector ln2lo = FloatVector.broadcast(S, -2.12194440e-4f);
        FloatVector ln2hi = FloatVector.broadcast(S, 0.693359375f);
        FloatVector minusHalf = FloatVector.broadcast(S, -0.5f);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            VectorMask<Float> tiny = v.compare(VectorOperators.LT, Float.MIN_NORMAL);
            IntVector bits = v.blend(v.mul(8388608f), tiny).reinterpretAsInts(); // 2^23
            // the biased exponent as a float, through the same magic-number trick (exact for small integers)
            FloatVector e = bits.lanewise(VectorOperators.LSHR, 23).add(ROUND_MAGIC_BITS).reinterpretAsFloats()
                    .sub(ROUND_MAGIC + 126f);
            e = e.blend(e.sub(23f), tiny);
            FloatVector m = bits.and(0x007FFFFF).or(0x3F000000).reinterpretAsFloats(); // in [0.5, 1)
            VectorMask<Float> low = m.compare(VectorOperators.LT, 0.70710678118654752f);
            e = e.blend(e.sub(1f), low);
            m = m.blend(m.add(m), low).sub(1f);
            FloatVector z = m.mul(m);
            FloatVector p = m.fma(q0, q1).fma(m, q2).fma(m, q3).fma(m, q4).fma(m, q5).fma(m, q6).fma(m, q7)
                    .fma(m, q8);
            FloatVector y = p.mul(m).mul(z);
            y = e.fma(ln2lo, y);
            y = z.fma(minusHalf, y);
            FloatVector r = e.fma(ln2hi, m.add(y));
            r = r.blend(v, v.compare(VectorOperators.LT, Float.POSITIVE_INFINITY).not()); // +inf, NaN
            r = r.blend(Float.NaN, v.compare(VectorOperators.LT, 0f));
            r = r.blend(Float.NEGATIVE_INFINITY, v.compare(VectorOperators.EQ, 0f));
            r.intoArray(out, oo + i);
        }
    }

    /**
     * out = tanh x; tmp holds count floats. Below |x| = 0.625 an odd polynomial (Cephes tanhf), which keeps
     * relative precision near 0; above it 1 - 2/(e^{2|x|} + 1), which does not cancel there and saturates.
     */
    static void tanh(float[] x, int xo, float[] out, int oo, int count, float[] tmp, int to) {
        for (int i = 0; i < count; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, xo + i).abs();
            a.add(a).intoArray(tmp, to + i);
        }
        exp(tmp, to, tmp, to, count);
        FloatVector t0 = FloatVector.broadcast(S, -5.70498872745e-3f);
        FloatVector t1 = FloatVector.broadcast(S, 2.06390887954e-2f);
        FloatVector t2 = FloatVector.broadcast(S, -5.37397155531e-2f);
        FloatVector t3 = FloatVector.broadcast(S, 1.33314422036e-1f);
        FloatVector t4 = FloatVector.broadcast(S, -3.33332819422e-1f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(v);
            FloatVector p = z.fma(t0, t1).fma(z, t2).fma(z, t3).fma(z, t4);
            FloatVector small = p.mul(z).fma(v, v);
            FloatVector big = one.sub(two.div(FloatVector.fromArray(S, tmp, to + i).add(one)));
            big = big.blend(big.neg(), v.compare(VectorOperators.LT, 0f));
            big.blend(small, v.abs().compare(VectorOperators.LT, 0.625f)).intoArray(out, oo + i);
        }
    }

    /** out = 1 / (1 + e^-x); e^-x overflows to +inf for very negative x, which gives the right limit 0. */
    static void sigmoid(float[] x, int xo, float[] out, int oo, int count, float[] tmp, int to) {
        for (int i = 0; i < count; i += L) FloatVector.fromArray(S, x, xo + i).neg().intoArray(tmp, to + i);
        exp(tmp, to, tmp, to, count);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < count; i += L) {
            one.div(FloatVector.fromArray(S, tmp, to + i).add(one)).intoArray(out, oo + i);
        }
    }

    // erf is N. Juffa's pair of minimax approximations, the same steps as ScalarMath.erf: for |z| > 0.9277,
    // erf = 1 - exp(q(|z|)), for smaller |z| an odd polynomial. Split in two halves around one exp pass;
    // the second half, erfFinish, is written out in each loop that needs it (see the class comment).

    /** tmp = q(|x·scale|), the argument of exp in the outer branch of erf(x·scale). */
    private static void erfExpArg(float[] x, int xo, float scale, int count, float[] tmp, int to) {
        FloatVector a0 = FloatVector.broadcast(S, -1.72853470e-5f);
        FloatVector a1 = FloatVector.broadcast(S, 3.83197126e-4f);
        FloatVector b0 = FloatVector.broadcast(S, -3.88396438e-3f);
        FloatVector b1 = FloatVector.broadcast(S, 2.42546219e-2f);
        FloatVector a2 = FloatVector.broadcast(S, -1.06777877e-1f);
        FloatVector a3 = FloatVector.broadcast(S, -6.34846687e-1f);
        FloatVector a4 = FloatVector.broadcast(S, -1.28717512e-1f);
        for (int i = 0; i < count; i += L) {
            FloatVector z = FloatVector.fromArray(S, x, xo + i).mul(scale);
            FloatVector t = z.abs();
            FloatVector r = t.fma(a0, a1).fma(z.mul(z), t.fma(b0, b1));
            r = r.fma(t, a2).fma(t, a3).fma(t, a4);
            r.fma(t, t.neg()).intoArray(tmp, to + i);
        }
    }

    /** out = erf x; tmp holds count floats. */
    static void erf(float[] x, int xo, float[] out, int oo, int count, float[] tmp, int to) {
        erfExpArg(x, xo, 1f, count, tmp, to);
        exp(tmp, to, tmp, to, count);
        FloatVector e0 = FloatVector.broadcast(S, -5.96761703e-4f);
        FloatVector e1 = FloatVector.broadcast(S, 4.99119423e-3f);
        FloatVector e2 = FloatVector.broadcast(S, -2.67681349e-2f);
        FloatVector e3 = FloatVector.broadcast(S, 1.12819925e-1f);
        FloatVector e4 = FloatVector.broadcast(S, -3.76125336e-1f);
        FloatVector e5 = FloatVector.broadcast(S, 1.28379166e-1f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < count; i += L) {
            FloatVector z = FloatVector.fromArray(S, x, xo + i);
            // erfFinish: 1 - e with z's sign outside 0.9277, the odd polynomial inside
            FloatVector big = one.sub(FloatVector.fromArray(S, tmp, to + i));
            big = big.blend(big.neg(), z.compare(VectorOperators.LT, 0f));
            FloatVector s = z.mul(z);
            FloatVector q = s.fma(e0, e1).fma(s, e2).fma(s, e3).fma(s, e4).fma(s, e5);
            q.fma(z, z).blend(big, z.abs().compare(VectorOperators.GT, 0.927734375f)).intoArray(out, oo + i);
        }
    }

    /** out = 0.5·x·(1 + erf(x/√2)), exact GELU, the steps of {@link ScalarMath#geluErf}; tmp: count floats. */
    static void geluErf(float[] x, int xo, float[] out, int oo, int count, float[] tmp, int to) {
        erfExpArg(x, xo, ScalarMath.INV_SQRT_2, count, tmp, to);
        exp(tmp, to, tmp, to, count);
        FloatVector e0 = FloatVector.broadcast(S, -5.96761703e-4f);
        FloatVector e1 = FloatVector.broadcast(S, 4.99119423e-3f);
        FloatVector e2 = FloatVector.broadcast(S, -2.67681349e-2f);
        FloatVector e3 = FloatVector.broadcast(S, 1.12819925e-1f);
        FloatVector e4 = FloatVector.broadcast(S, -3.76125336e-1f);
        FloatVector e5 = FloatVector.broadcast(S, 1.28379166e-1f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(ScalarMath.INV_SQRT_2);
            FloatVector big = one.sub(FloatVector.fromArray(S, tmp, to + i));
            big = big.blend(big.neg(), z.compare(VectorOperators.LT, 0f));
            FloatVector s = z.mul(z);
            FloatVector q = s.fma(e0, e1).fma(s, e2).fma(s, e3).fma(s, e4).fma(s, e5);
            FloatVector erf = q.fma(z, z).blend(big, z.abs().compare(VectorOperators.GT, 0.927734375f));
            v.mul(0.5f).mul(erf.add(one)).intoArray(out, oo + i);
        }
    }

    /**
     * dx = dy·(Φ(x) + x·φ(x)), the exact GELU derivative; tmp holds 2·count floats. Both exps (erf's and the
     * normal density's) run as one exp pass over the two halves of tmp.
     */
    static void geluErfBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int count,
                                float[] tmp, int to) {
        erfExpArg(x, xo, ScalarMath.INV_SQRT_2, count, tmp, to);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(v).mul(-0.5f).intoArray(tmp, to + count + i);
        }
        exp(tmp, to, tmp, to, 2 * count);
        FloatVector e0 = FloatVector.broadcast(S, -5.96761703e-4f);
        FloatVector e1 = FloatVector.broadcast(S, 4.99119423e-3f);
        FloatVector e2 = FloatVector.broadcast(S, -2.67681349e-2f);
        FloatVector e3 = FloatVector.broadcast(S, 1.12819925e-1f);
        FloatVector e4 = FloatVector.broadcast(S, -3.76125336e-1f);
        FloatVector e5 = FloatVector.broadcast(S, 1.28379166e-1f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector z = v.mul(ScalarMath.INV_SQRT_2);
            FloatVector big = one.sub(FloatVector.fromArray(S, tmp, to + i));
            big = big.blend(big.neg(), z.compare(VectorOperators.LT, 0f));
            FloatVector s = z.mul(z);
            FloatVector q = s.fma(e0, e1).fma(s, e2).fma(s, e3).fma(s, e4).fma(s, e5);
            FloatVector erf = q.fma(z, z).blend(big, z.abs().compare(VectorOperators.GT, 0.927734375f));
            FloatVector cdf = erf.add(one).mul(0.5f);
            FloatVector pdf = FloatVector.fromArray(S, tmp, to + count + i).mul(ScalarMath.INV_SQRT_2PI);
            v.fma(pdf, cdf).mul(FloatVector.fromArray(S, dy, dyo + i)).intoArray(dx, dxo + i);
        }
    }

    /** tmp = -2u with u = √(2/π)·(x + 0.044715·x³), the tanh argument of tanh GELU, doubled and negated. */
    private static void geluTanhExpArg(float[] x, int xo, int count, float[] tmp, int to) {
        FloatVector c = FloatVector.broadcast(S, ScalarMath.GELU_TANH_C);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(v).fma(c, one).mul(v).mul(-2f * ScalarMath.SQRT_2_OVER_PI).intoArray(tmp, to + i);
        }
    }

    /**
     * out = 0.5·x·(1 + tanh u), computed as x / (1 + e^{-2u}): the same function (1 + tanh u = 2/(1+e^{-2u}))
     * with one exp and no cancellation for negative u, where 1 + tanh u loses every digit. tmp: count floats.
     */
    static void geluTanh(float[] x, int xo, float[] out, int oo, int count, float[] tmp, int to) {
        geluTanhExpArg(x, xo, count, tmp, to);
        exp(tmp, to, tmp, to, count);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.div(FloatVector.fromArray(S, tmp, to + i).add(one)).intoArray(out, oo + i);
        }
    }

    /**
     * dx = dy·(0.5(1 + t) + 0.5·x·(1 - t²)·u'), t = tanh u. With s = 1/(1 + e^{-2u}) = (1 + t)/2 this is
     * s + 2·x·s·(1 - s)·u'; 1 - s is used rather than e^{-2u}·s, which would be inf·0 for large -u.
     */
    static void geluTanhBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int count,
                                 float[] tmp, int to) {
        geluTanhExpArg(x, xo, count, tmp, to);
        exp(tmp, to, tmp, to, count);
        FloatVector c3 = FloatVector.broadcast(S, 3f * ScalarMath.GELU_TANH_C);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < count; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector du = v.mul(v).fma(c3, one).mul(ScalarMath.SQRT_2_OVER_PI);
            FloatVector s = one.div(FloatVector.fromArray(S, tmp, to + i).add(one));
            FloatVector d = s.mul(one.sub(s)).mul(v.add(v)).fma(du, s);
            d.mul(FloatVector.fromArray(S, dy, dyo + i)).intoArray(dx, dxo + i);
        }
    }
}
