package dev.jvit.core.cpu;

import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SimdKernels against ScalarKernels, method by method, on fresh random inputs (never all zeros; negatives
 * and large magnitudes where the op allows), lengths around the vector width and far from it, strides 0, 1
 * and 3, non-zero offsets, and in place. Inputs are sized exactly, so a vector load past the end throws;
 * outputs have guard cells on both sides that must stay untouched.
 *
 * <p>Tolerances: exact IEEE operations (neg, abs, relu, step, add ... comparisons, max/min reductions,
 * accumulate) must agree bit for bit. Polynomial transcendentals and everything built on them must agree to
 * a relative error ||out - ref|| / ||ref|| of 1e-6 AND element by element to 1e-5 relative (plus 1e-6 of the
 * row's largest value, for elements near a zero of the function), so that one wrong element in a row of a
 * thousand cannot hide in the norm.
 */
class KernelConformanceTest {

    private static final CpuKernels REF = new ScalarKernels();
    private static final CpuKernels SIMD = new SimdKernels();
    private static final int[] LENGTHS = {1, 3, 7, 15, 16, 17, 31, 64, 100, 1000, 1023};
    private static final int[] STRIDES = {0, 1, 3};
    private static final int IN_OFF = 5;
    private static final int OUT_OFF = 3;
    private static final int GUARD = 4;
    private static final float SENTINEL = -7777.25f;

    private static final double NORM_TOL = 1e-6;
    private static final double ELEM_RTOL = 1e-5;
    private static final double ELEM_ATOL = 1e-6;

    // ---- input generation -------------------------------------------------------------------------

    /** Kinds of value sets, so each op is fed its domain: any reals, positives, or around zero. */
    private enum Domain { REAL, POSITIVE, SMALL }

    /**
     * An exactly sized array holding n values at off, off + stride, ...: Gaussian with the given scale, and
     * one in sixteen each a large magnitude (±20..±120 for REAL, up to 1e6 for POSITIVE), a tiny one, and
     * (REAL) a signed zero.
     */
    private static float[] input(Random r, Domain d, float scale, int off, int stride, int n) {
        float[] a = new float[off + (n - 1) * stride + 1];
        for (int i = 0; i < a.length; i++) a[i] = value(r, d, scale);
        return a;
    }

    private static float value(Random r, Domain d, float scale) {
        int pick = r.nextInt(16);
        return switch (d) {
            case REAL -> pick == 0 ? (float) (r.nextBoolean() ? 1 : -1) * (20 + 100 * r.nextFloat())
                    : pick == 1 ? (float) r.nextGaussian() * 1e-4f
                    : pick == 2 ? (r.nextBoolean() ? 0f : -0f) // the edge of relu, step and comparisons
                    : (float) r.nextGaussian() * scale;
            case POSITIVE -> pick == 0 ? 1e6f * r.nextFloat() + 1e-3f
                    : pick == 1 ? 1e-30f * (1 + r.nextFloat())
                    : Math.abs((float) r.nextGaussian() * scale) + 1e-6f;
            case SMALL -> (float) r.nextGaussian() * scale;
        };
    }

    private static float[] output(int n) {
        float[] o = new float[OUT_OFF + n + GUARD];
        java.util.Arrays.fill(o, SENTINEL);
        return o;
    }

    // ---- comparisons ------------------------------------------------------------------------------

    /** Both agree on NaN and infinite entries; finite ones by the norm and elementwise rules. */
    private static void assertClose(String what, float[] ref, float[] got, int off, int n) {
        assertGuards(what, got, off, n);
        double diff2 = 0, ref2 = 0, maxRef = 0;
        for (int i = 0; i < n; i++) {
            float e = ref[off + i];
            if (Float.isFinite(e)) maxRef = Math.max(maxRef, Math.abs(e));
        }
        for (int i = 0; i < n; i++) {
            float e = ref[off + i], a = got[off + i];
            if (!Float.isFinite(e) || !Float.isFinite(a)) {
                if (Float.compare(e, a) != 0 && !(Float.isNaN(e) && Float.isNaN(a))) {
                    fail(what + ": element " + i + " is " + a + ", reference " + e);
                }
                continue;
            }
            double d = (double) a - e;
            diff2 += d * d;
            ref2 += (double) e * e;
            if (Math.abs(d) > ELEM_RTOL * Math.abs(e) + ELEM_ATOL * maxRef) {
                fail(what + ": element " + i + " is " + a + ", reference " + e + " (relative "
                        + Math.abs(d / e) + ")");
            }
        }
        double rel = ref2 == 0 ? Math.sqrt(diff2) : Math.sqrt(diff2 / ref2);
        assertTrue(rel <= NORM_TOL, what + ": relative error " + rel + " > " + NORM_TOL);
    }

    private static void assertExact(String what, float[] ref, float[] got, int off, int n) {
        assertGuards(what, got, off, n);
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(ref[off + i]) != Float.floatToIntBits(got[off + i])) {
                fail(what + ": element " + i + " is " + got[off + i] + ", reference " + ref[off + i]);
            }
        }
    }

    private static void assertGuards(String what, float[] got, int off, int n) {
        for (int i = 0; i < got.length; i++) {
            if ((i < off || i >= off + n) && Float.floatToIntBits(got[i]) != Float.floatToIntBits(SENTINEL)) {
                fail(what + ": wrote outside its run, at index " + i + " (run " + off + ".." + (off + n) + ")");
            }
        }
    }

    /**
     * For results that are a difference of nearly equal terms (the softmax backwards): element i may be off
     * by a few roundings of terms of size scale[i], so it must agree to 1e-5 of itself plus 1e-6 of its
     * scale, and the error norm to 1e-6 of the scale's norm.
     */
    private static void assertConditioned(String what, float[] ref, float[] got, int off, int n, double[] scale) {
        assertGuards(what, got, off, n);
        double d2 = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) got[off + i] - ref[off + i];
            d2 += d * d;
            s2 += scale[i] * scale[i];
            if (!(Math.abs(d) <= 1e-5 * Math.abs(ref[off + i]) + 1e-6 * scale[i])) {
                fail(what + ": element " + i + " is " + got[off + i] + ", reference " + ref[off + i]);
            }
        }
        assertTrue(Math.sqrt(d2) <= 1e-6 * Math.sqrt(s2), what + ": error norm " + Math.sqrt(d2));
    }

    private static String at(String op, int n, int... strides) {
        return op + " n=" + n + " strides=" + java.util.Arrays.toString(strides);
    }

    // ---- unary ------------------------------------------------------------------------------------

    private static boolean exactOp(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU, STEP, SQRT -> true;
            default -> false;
        };
    }

    private static Domain domain(UnaryOp op) {
        return switch (op) {
            case LOG, SQRT, RSQRT -> Domain.POSITIVE;
            default -> Domain.REAL;
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesScalar(UnaryOp op) {
        Random r = new Random(100 + op.ordinal());
        for (int n : LENGTHS) {
            for (int stride : STRIDES) {
                float[] x = input(r, domain(op), 3f, IN_OFF, stride, n);
                float[] ref = output(n), got = output(n);
                REF.unary(op, x, IN_OFF, stride, ref, OUT_OFF, n);
                SIMD.unary(op, x, IN_OFF, stride, got, OUT_OFF, n);
                check(exactOp(op), at(op.name(), n, stride), ref, got, OUT_OFF, n);
            }
        }
    }

    /** out == x: stride 1 runs the vector code in place; stride 3 must not read what it already wrote. */
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryInPlaceMatchesScalar(UnaryOp op) {
        Random r = new Random(200 + op.ordinal());
        for (int n : LENGTHS) {
            for (int stride : new int[] {1, 3}) {
                float[] x = input(r, domain(op), 3f, 0, stride, n);
                float[] ref = x.clone(), got = x.clone();
                REF.unary(op, ref, 0, stride, ref, 0, n);
                SIMD.unary(op, got, 0, stride, got, 0, n);
                String what = "in place " + at(op.name(), n, stride);
                if (exactOp(op)) {
                    for (int i = 0; i < x.length; i++) assertEquals(ref[i], got[i], 0f, what + " at " + i);
                } else {
                    assertCloseNoGuards(what, ref, got, x.length);
                }
            }
        }
    }

    private static void assertCloseNoGuards(String what, float[] ref, float[] got, int n) {
        float[] r2 = new float[n + OUT_OFF + GUARD], g2 = new float[n + OUT_OFF + GUARD];
        java.util.Arrays.fill(r2, SENTINEL);
        java.util.Arrays.fill(g2, SENTINEL);
        System.arraycopy(ref, 0, r2, OUT_OFF, n);
        System.arraycopy(got, 0, g2, OUT_OFF, n);
        assertClose(what, r2, g2, OUT_OFF, n);
    }

    private static void check(boolean exact, String what, float[] ref, float[] got, int off, int n) {
        if (exact) assertExact(what, ref, got, off, n);
        else assertClose(what, ref, got, off, n);
    }

    /** NaN, infinities, signed zeros, subnormals and the overflow edges of exp, one vector's worth and a tail. */
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unarySpecialValuesMatchScalar(UnaryOp op) {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72f, 88.73f,
                -87.3f, -103.9f, -104.5f, 1f, -1f, 0.625f, -0.625f, 0.9277f, -0.93f, 9f, -9f, 20f, -20f, 1e-30f};
        int n = x.length;
        float[] ref = output(n), got = output(n);
        REF.unary(op, x, 0, 1, ref, OUT_OFF, n);
        SIMD.unary(op, x, 0, 1, got, OUT_OFF, n);
        if (exactOp(op)) {
            assertExact("specials " + op, ref, got, OUT_OFF, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            float e = ref[OUT_OFF + i], a = got[OUT_OFF + i];
            String what = op + "(" + x[i] + ") = " + a + ", reference " + e;
            if (Float.isNaN(e) || Float.isInfinite(e) || e == 0f) {
                assertEquals(e, a, 0f, what);
            } else if (Math.abs(e) < Float.MIN_NORMAL) {
                assertEquals(e, a, 2 * Float.MIN_VALUE, what); // subnormal results: within 2 of the last place
            } else {
                assertEquals(e, a, 4e-7 * Math.abs(e), what);
            }
        }
    }

    // ---- pow --------------------------------------------------------------------------------------

    @Test
    void powScalarMatchesScalar() {
        Random r = new Random(300);
        for (float exponent : new float[] {2f, 1f, 0f, 0.5f, -1f, 3f, -0.5f, 1.7f}) {
            for (int n : LENGTHS) {
                for (int stride : STRIDES) {
                    Domain d = exponent == Math.rint(exponent) ? Domain.SMALL : Domain.POSITIVE;
                    float[] x = input(r, d, 3f, IN_OFF, stride, n);
                    float[] ref = output(n), got = output(n);
                    REF.powScalar(x, IN_OFF, stride, exponent, ref, OUT_OFF, n);
                    SIMD.powScalar(x, IN_OFF, stride, exponent, got, OUT_OFF, n);
                    // the fast paths are correctly rounded, as (float) Math.pow is
                    assertExact(at("pow " + exponent, n, stride), ref, got, OUT_OFF, n);
                }
            }
        }
    }

    @Test
    void powScalarHalfKeepsPowSemanticsAtNegativeZeroAndInfinity() {
        float[] x = {-0f, Float.NEGATIVE_INFINITY, 4f, -4f, Float.NaN, 0f, Float.POSITIVE_INFINITY, 2f, 9f};
        float[] ref = output(x.length), got = output(x.length);
        REF.powScalar(x, 0, 1, 0.5f, ref, OUT_OFF, x.length);
        SIMD.powScalar(x, 0, 1, 0.5f, got, OUT_OFF, x.length);
        assertExact("pow 0.5 specials", ref, got, OUT_OFF, x.length);
    }

    // ---- binary -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryMatchesScalar(BinaryOp op) {
        Random r = new Random(400 + op.ordinal());
        Domain d = op == BinaryOp.POW ? Domain.POSITIVE : Domain.REAL;
        for (int n : LENGTHS) {
            for (int as : STRIDES) {
                for (int bs : STRIDES) {
                    float[] a = input(r, d, 3f, IN_OFF, as, n);
                    float[] b = input(r, op == BinaryOp.POW ? Domain.SMALL : d, 3f, IN_OFF + 1, bs, n);
                    // ties, so EQ/LE/GE and MAX/MIN see equal operands too
                    for (int i = 0; i < n; i += 3) b[IN_OFF + 1 + i * bs] = a[IN_OFF + i * as];
                    float[] ref = output(n), got = output(n);
                    REF.binary(op, a, IN_OFF, as, b, IN_OFF + 1, bs, ref, OUT_OFF, n);
                    SIMD.binary(op, a, IN_OFF, as, b, IN_OFF + 1, bs, got, OUT_OFF, n);
                    assertExact(at(op.name(), n, as, bs), ref, got, OUT_OFF, n);
                }
            }
        }
    }

    /** out is a or b itself (x += y), with the other operand contiguous, broadcast or strided. */
    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV", "MAX", "GT"})
    void binaryInPlaceMatchesScalar(BinaryOp op) {
        Random r = new Random(500 + op.ordinal());
        for (int n : LENGTHS) {
            for (int otherStride : STRIDES) {
                float[] acc = input(r, Domain.REAL, 3f, 0, 1, n);
                float[] other = input(r, Domain.REAL, 3f, IN_OFF, otherStride, n);
                float[] ref = acc.clone(), got = acc.clone();
                REF.binary(op, ref, 0, 1, other, IN_OFF, otherStride, ref, 0, n);
                SIMD.binary(op, got, 0, 1, other, IN_OFF, otherStride, got, 0, n);
                for (int i = 0; i < n; i++) assertEquals(ref[i], got[i], 0f, "a op= b " + at(op.name(), n, otherStride));
                ref = acc.clone();
                got = acc.clone();
                REF.binary(op, other, IN_OFF, otherStride, ref, 0, 1, ref, 0, n);
                SIMD.binary(op, other, IN_OFF, otherStride, got, 0, 1, got, 0, n);
                for (int i = 0; i < n; i++) assertEquals(ref[i], got[i], 0f, "b = a op b " + at(op.name(), n, otherStride));
            }
        }
    }

    // ---- reductions -------------------------------------------------------------------------------

    @Test
    void sumMaxMinMatchScalar() {
        Random r = new Random(600);
        for (int n : LENGTHS) {
            for (int stride : STRIDES) {
                float[] x = input(r, Domain.REAL, 3f, IN_OFF, stride, n);
                double absSum = 0;
                for (int i = 0; i < n; i++) absSum += Math.abs(x[IN_OFF + i * stride]);
                float ref = REF.sum(x, IN_OFF, stride, n), got = SIMD.sum(x, IN_OFF, stride, n);
                // summation order differs: bound the difference by the rounding of the absolute sum
                assertEquals(ref, got, 1e-6 * absSum, "sum " + at("", n, stride));
                assertEquals(REF.max(x, IN_OFF, stride, n), SIMD.max(x, IN_OFF, stride, n), 0f, "max " + at("", n, stride));
                assertEquals(REF.min(x, IN_OFF, stride, n), SIMD.min(x, IN_OFF, stride, n), 0f, "min " + at("", n, stride));
            }
        }
    }

    @Test
    void maxAndMinPropagateNaNAsScalarDoes() {
        for (int n : new int[] {3, 16, 17, 100}) {
            for (int pos : new int[] {0, n / 2, n - 1}) {
                float[] x = input(new Random(n + pos), Domain.REAL, 1f, 0, 1, n);
                x[pos] = Float.NaN;
                assertEquals(REF.max(x, 0, 1, n), SIMD.max(x, 0, 1, n), "max with NaN at " + pos + " of " + n);
                assertEquals(REF.min(x, 0, 1, n), SIMD.min(x, 0, 1, n), "min with NaN at " + pos + " of " + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void accumulateMatchesScalar(ReduceOp op) {
        Random r = new Random(700 + op.ordinal());
        for (int n : LENGTHS) {
            for (int stride : STRIDES) {
                float[] x = input(r, Domain.REAL, 3f, IN_OFF, stride, n);
                float[] acc = output(n);
                for (int i = 0; i < n; i++) acc[OUT_OFF + i] = value(r, Domain.REAL, 3f);
                float[] ref = acc.clone(), got = acc.clone();
                REF.accumulate(op, x, IN_OFF, stride, ref, OUT_OFF, n);
                SIMD.accumulate(op, x, IN_OFF, stride, got, OUT_OFF, n);
                assertExact(at("accumulate " + op, n, stride), ref, got, OUT_OFF, n);
            }
        }
    }

    /** The register-held column sums against the scalar set's row-by-row default: the same order, so equal. */
    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void accumulateRowsMatchesRowByRow(ReduceOp op) {
        Random r = new Random(710 + op.ordinal());
        for (int n : LENGTHS) {
            for (int stride : STRIDES) {
                for (int rows : new int[] {1, 3, 17}) {
                    int rowStride = Math.max(1, n * Math.max(stride, 1)) + 5;
                    float[] x = new float[IN_OFF + rows * rowStride + n * Math.max(stride, 1) + 8];
                    for (int i = 0; i < x.length; i++) x[i] = value(r, Domain.REAL, 3f);
                    float[] acc = output(n);
                    for (int i = 0; i < n; i++) acc[OUT_OFF + i] = value(r, Domain.REAL, 3f);
                    float[] ref = acc.clone(), got = acc.clone();
                    REF.accumulateRows(op, x, IN_OFF, rowStride, rows, stride, ref, OUT_OFF, n);
                    SIMD.accumulateRows(op, x, IN_OFF, rowStride, rows, stride, got, OUT_OFF, n);
                    assertExact(at("accumulateRows " + op + " rows=" + rows, n, stride), ref, got, OUT_OFF, n);
                }
            }
        }
    }

    // ---- softmax ----------------------------------------------------------------------------------

    @Test
    void softmaxAndLogSoftmaxMatchScalar() {
        Random r = new Random(800);
        for (int n : LENGTHS) {
            for (float scale : new float[] {1f, 10f}) {
                float[] x = input(r, Domain.SMALL, scale, IN_OFF, 1, n);
                float[] ref = output(n), got = output(n);
                REF.softmaxRow(x, IN_OFF, ref, OUT_OFF, n);
                SIMD.softmaxRow(x, IN_OFF, got, OUT_OFF, n);
                assertClose("softmax n=" + n + " scale=" + scale, ref, got, OUT_OFF, n);
                ref = output(n);
                got = output(n);
                REF.logSoftmaxRow(x, IN_OFF, ref, OUT_OFF, n);
                SIMD.logSoftmaxRow(x, IN_OFF, got, OUT_OFF, n);
                assertClose("logSoftmax n=" + n + " scale=" + scale, ref, got, OUT_OFF, n);
            }
        }
    }

    @Test
    void softmaxInPlaceAndWithLargeLogits() {
        Random r = new Random(801);
        for (int n : LENGTHS) {
            float[] x = input(r, Domain.SMALL, 30f, 0, 1, n);
            x[n / 2] = 1e4f; // softmax must subtract the max: e^1e4 overflows
            float[] ref = x.clone(), got = x.clone();
            REF.softmaxRow(ref, 0, ref, 0, n);
            SIMD.softmaxRow(got, 0, got, 0, n);
            assertCloseNoGuards("softmax in place n=" + n, ref, got, n);
            ref = x.clone();
            got = x.clone();
            REF.logSoftmaxRow(ref, 0, ref, 0, n);
            SIMD.logSoftmaxRow(got, 0, got, 0, n);
            assertCloseNoGuards("logSoftmax in place n=" + n, ref, got, n);
        }
    }

    @Test
    void softmaxBackwardsMatchScalar() {
        Random r = new Random(900);
        for (int n : LENGTHS) {
            float[] x = input(r, Domain.SMALL, 2f, IN_OFF, 1, n);
            float[] y = new float[IN_OFF + n], logY = new float[IN_OFF + n];
            REF.softmaxRow(x, IN_OFF, y, IN_OFF, n);
            REF.logSoftmaxRow(x, IN_OFF, logY, IN_OFF, n);
            float[] dy = input(r, Domain.SMALL, 1f, IN_OFF + 2, 1, n);
            // scales of the terms whose difference is the result: y·dy and y·dot; dy and e^y·sum(dy)
            double dot = 0, absSum = 0;
            for (int i = 0; i < n; i++) {
                dot += Math.abs(y[IN_OFF + i] * dy[IN_OFF + 2 + i]);
                absSum += Math.abs(dy[IN_OFF + 2 + i]);
            }
            double[] scale = new double[n], logScale = new double[n];
            for (int i = 0; i < n; i++) {
                scale[i] = y[IN_OFF + i] * (Math.abs(dy[IN_OFF + 2 + i]) + dot);
                logScale[i] = Math.abs(dy[IN_OFF + 2 + i]) + Math.exp(logY[IN_OFF + i]) * absSum;
            }
            float[] ref = output(n), got = output(n);
            REF.softmaxBackwardRow(y, IN_OFF, dy, IN_OFF + 2, ref, OUT_OFF, n);
            SIMD.softmaxBackwardRow(y, IN_OFF, dy, IN_OFF + 2, got, OUT_OFF, n);
            assertConditioned("softmaxBackward n=" + n, ref, got, OUT_OFF, n, scale);
            ref = output(n);
            got = output(n);
            REF.logSoftmaxBackwardRow(logY, IN_OFF, dy, IN_OFF + 2, ref, OUT_OFF, n);
            SIMD.logSoftmaxBackwardRow(logY, IN_OFF, dy, IN_OFF + 2, got, OUT_OFF, n);
            assertConditioned("logSoftmaxBackward n=" + n, ref, got, OUT_OFF, n, logScale);
            // dx written over dy, which the kernel is still reading
            float[] refDy = dy.clone(), gotDy = dy.clone();
            REF.logSoftmaxBackwardRow(logY, IN_OFF, refDy, IN_OFF + 2, refDy, IN_OFF + 2, n);
            SIMD.logSoftmaxBackwardRow(logY, IN_OFF, gotDy, IN_OFF + 2, gotDy, IN_OFF + 2, n);
            assertCloseNoGuards("logSoftmaxBackward in place n=" + n, refDy, gotDy, refDy.length);
        }
    }

    // ---- layer norm -------------------------------------------------------------------------------

    @Test
    void layerNormMatchesScalar() {
        Random r = new Random(1000);
        for (int n : LENGTHS) {
            if (n == 1) continue; // a single element has zero variance: y = b, covered below
            for (float offset : new float[] {0f, 1000f}) { // a large mean with a small spread must not cancel
                for (int mask = 0; mask < 4; mask++) {
                    float[] x = input(r, Domain.SMALL, 2f, IN_OFF, 1, n);
                    for (int i = 0; i < n; i++) x[IN_OFF + i] += offset;
                    float[] w = (mask & 1) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null;
                    float[] b = (mask & 2) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null;
                    float[] ref = output(n), got = output(n);
                    float[] refMean = new float[3], refRstd = new float[3], gotMean = new float[3], gotRstd = new float[3];
                    REF.layerNormRow(x, IN_OFF, w, b, 1e-5f, ref, OUT_OFF, n, refMean, refRstd, 2);
                    SIMD.layerNormRow(x, IN_OFF, w, b, 1e-5f, got, OUT_OFF, n, gotMean, gotRstd, 2);
                    String what = "layerNorm n=" + n + " offset=" + offset + " w=" + (w != null) + " b=" + (b != null);
                    assertClose(what, ref, got, OUT_OFF, n);
                    assertEquals(refMean[2], gotMean[2], 1e-6 * (Math.abs(refMean[2]) + 1), what + " mean");
                    assertEquals(refRstd[2], gotRstd[2], 1e-6 * refRstd[2], what + " rstd");
                }
            }
        }
        float[] one = {3f};
        float[] y1 = new float[1], y2 = new float[1], m = new float[1], s = new float[1];
        REF.layerNormRow(one, 0, null, new float[] {0.5f}, 1e-5f, y1, 0, 1, m, s, 0);
        SIMD.layerNormRow(one, 0, null, new float[] {0.5f}, 1e-5f, y2, 0, 1, m, s, 0);
        assertEquals(y1[0], y2[0], 0f, "layerNorm of one element");
    }

    @Test
    void layerNormBackwardMatchesScalar() {
        Random r = new Random(1100);
        for (int n : LENGTHS) {
            for (int mask = 0; mask < 8; mask++) {
                float[] x = input(r, Domain.SMALL, 2f, IN_OFF, 1, n);
                float[] dy = input(r, Domain.SMALL, 1f, IN_OFF + 1, 1, n);
                float[] w = (mask & 1) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null;
                float[] mean = new float[1], rstd = new float[1], y = new float[IN_OFF + n];
                REF.layerNormRow(x, IN_OFF, w, null, 1e-5f, y, IN_OFF, n, mean, rstd, 0);
                float[] dw0 = (mask & 2) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null;
                float[] db0 = (mask & 4) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null;
                float[] refDw = dw0 == null ? null : dw0.clone(), gotDw = dw0 == null ? null : dw0.clone();
                float[] refDb = db0 == null ? null : db0.clone(), gotDb = db0 == null ? null : db0.clone();
                float[] ref = output(n), got = output(n);
                REF.layerNormBackwardRow(dy, IN_OFF + 1, x, IN_OFF, w, mean[0], rstd[0], ref, OUT_OFF, refDw, refDb, n);
                SIMD.layerNormBackwardRow(dy, IN_OFF + 1, x, IN_OFF, w, mean[0], rstd[0], got, OUT_OFF, gotDw, gotDb, n);
                String what = "layerNormBackward n=" + n + " w=" + (w != null) + " dw=" + (dw0 != null)
                        + " db=" + (db0 != null);
                if (n > 1) assertClose(what + " dx", ref, got, OUT_OFF, n); // n = 1: dx is rounding noise around 0
                if (dw0 != null) assertCloseNoGuards(what + " dw", refDw, gotDw, n);
                if (db0 != null) assertCloseNoGuards(what + " db", refDb, gotDb, n);
            }
        }
    }

    /**
     * The block forms: the SIMD kernels' one-vector-row path (n = the vector length) and their row loop for
     * other widths give the bits of SIMD row-by-row calls, and stay close to the scalar twin.
     */
    @Test
    void layerNormRowBlocksMatchRowByRow() {
        Random r = new Random(1150);
        int lanes = SimdKernels.vectorBits() / 32, rows = 37, from = 3, to = 34;
        for (int n : new int[] {lanes, 2 * lanes, 5}) {
            for (int mask = 0; mask < 4; mask++) {
                String what = "layerNormRows n=" + n + " mask=" + mask;
                float[] x = input(r, Domain.SMALL, 2f, IN_OFF, 1, rows * n);
                for (int i = IN_OFF + n; i < IN_OFF + 2 * n; i++) x[i] += 1000f; // a row with a large mean
                float[] dy = input(r, Domain.SMALL, 1f, 2, 1, rows * n);
                float[] w = (mask & 1) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null;
                float[] b = (mask & 2) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null;

                float[] loopY = new float[rows * n], blockY = new float[rows * n], refY = new float[rows * n];
                float[] loopM = new float[rows], loopR = new float[rows], blockM = new float[rows], blockR = new float[rows];
                float[] refM = new float[rows], refR = new float[rows];
                for (int row = from; row < to; row++) {
                    SIMD.layerNormRow(x, IN_OFF + row * n, w, b, 1e-5f, loopY, row * n, n, loopM, loopR, row);
                }
                SIMD.layerNormRows(x, IN_OFF, w, b, 1e-5f, blockY, 0, n, blockM, blockR, from, to);
                REF.layerNormRows(x, IN_OFF, w, b, 1e-5f, refY, 0, n, refM, refR, from, to);
                assertArrayEquals(loopY, blockY, what + " y");
                assertArrayEquals(loopM, blockM, what + " mean");
                assertArrayEquals(loopR, blockR, what + " rstd");
                for (int row = from; row < to; row++) {
                    assertEquals(refM[row], blockM[row], 1e-6 * (Math.abs(refM[row]) + 1), what + " mean of row " + row);
                    assertEquals(refR[row], blockR[row], 1e-5 * refR[row], what + " rstd of row " + row);
                }
                assertEquals(0f, blockY[0], what + ": a row before `from` was written");

                float[] loopDx = new float[rows * n], blockDx = new float[rows * n];
                float[] loopDw = w == null ? null : input(r, Domain.SMALL, 1f, 0, 1, n), blockDw = loopDw == null ? null : loopDw.clone();
                float[] loopDb = (mask & 2) != 0 ? input(r, Domain.SMALL, 1f, 0, 1, n) : null, blockDb = loopDb == null ? null : loopDb.clone();
                for (int row = from; row < to; row++) {
                    SIMD.layerNormBackwardRow(dy, 2 + row * n, x, IN_OFF + row * n, w, loopM[row], loopR[row], loopDx,
                            row * n, loopDw, loopDb, n);
                }
                SIMD.layerNormBackwardRows(dy, 2, x, IN_OFF, w, blockM, blockR, blockDx, 0, blockDw, blockDb, n, from, to);
                assertArrayEquals(loopDx, blockDx, what + " dx");
                if (w != null) assertArrayEquals(loopDw, blockDw, what + " dw");
                if (loopDb != null) assertArrayEquals(loopDb, blockDb, what + " db");
            }
        }
    }

    /**
     * The softmax exp: within 2 ulp of Math.exp for every x in [ln 2^-126, 0], 0 below that and for -inf, NaN
     * for NaN; in place too, and with a shift the same as on the shifted inputs.
     */
    @Test
    void expNonPositiveMatchesMathExpOnItsDomain() {
        Random r = new Random(1170);
        int n = 4096;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -100f * r.nextFloat() * r.nextFloat(); // dense near 0, reaching -100
        float[] edges = {0f, -0f, -1e-30f, -1e-7f, -87.33654f, -87.3365f, -87.34f, -88f, -103f,
                Float.NEGATIVE_INFINITY, Float.NaN, -Float.MIN_VALUE};
        System.arraycopy(edges, 0, x, 0, edges.length);
        float[] out = new float[n], inPlace = x.clone();
        SimdMath.expNonPositive(x, 0, 0f, out, 0, n);
        SimdMath.expNonPositive(inPlace, 0, 0f, inPlace, 0, n);
        assertArrayEquals(out, inPlace, "in place");
        // shifted: e^(y - 3.5) for y = x + 3.5, exactly the unshifted function of the float y - 3.5
        float[] y = new float[n], shifted = new float[n], direct = new float[n];
        for (int i = 0; i < n; i++) y[i] = x[i] + 3.5f;
        for (int i = 0; i < n; i++) direct[i] = y[i] - 3.5f;
        SimdMath.expNonPositive(y, 0, 3.5f, shifted, 0, n);
        SimdMath.expNonPositive(direct, 0, 0f, direct, 0, n);
        assertArrayEquals(direct, shifted, "shift");
        for (int i = 0; i < n; i++) {
            double want = Math.exp(x[i]);
            String what = "expNonPositive(" + x[i] + ")";
            if (Float.isNaN(x[i])) {
                assertTrue(Float.isNaN(out[i]), what + " = " + out[i]);
            } else if (x[i] < -87.33654f) {
                assertEquals(0f, out[i], 0f, what);
            } else {
                assertEquals(want, out[i], 2 * Math.ulp((float) want), what);
            }
        }
    }

    // ---- GELU -------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(GeluApproximation.class)
    void geluAndBackwardMatchScalar(GeluApproximation approximation) {
        Random r = new Random(1200 + approximation.ordinal());
        for (int n : LENGTHS) {
            float[] x = input(r, Domain.REAL, 3f, IN_OFF, 1, n);
            float[] dy = input(r, Domain.SMALL, 1f, IN_OFF + 2, 1, n);
            float[] ref = output(n), got = output(n);
            REF.gelu(approximation, x, IN_OFF, ref, OUT_OFF, n);
            SIMD.gelu(approximation, x, IN_OFF, got, OUT_OFF, n);
            assertClose("gelu " + approximation + " n=" + n, ref, got, OUT_OFF, n);
            ref = output(n);
            got = output(n);
            REF.geluBackward(approximation, x, IN_OFF, dy, IN_OFF + 2, ref, OUT_OFF, n);
            SIMD.geluBackward(approximation, x, IN_OFF, dy, IN_OFF + 2, got, OUT_OFF, n);
            assertClose("geluBackward " + approximation + " n=" + n, ref, got, OUT_OFF, n);
            // in place: out over x, dx over dy
            float[] refX = x.clone(), gotX = x.clone();
            REF.gelu(approximation, refX, IN_OFF, refX, IN_OFF, n);
            SIMD.gelu(approximation, gotX, IN_OFF, gotX, IN_OFF, n);
            assertCloseNoGuards("gelu in place " + approximation + " n=" + n, refX, gotX, refX.length);
            float[] refDy = dy.clone(), gotDy = dy.clone();
            REF.geluBackward(approximation, x, IN_OFF, refDy, IN_OFF + 2, refDy, IN_OFF + 2, n);
            SIMD.geluBackward(approximation, x, IN_OFF, gotDy, IN_OFF + 2, gotDy, IN_OFF + 2, n);
            assertCloseNoGuards("geluBackward in place " + approximation + " n=" + n, refDy, gotDy, refDy.length);
        }
    }

    @Test
    void kernelsNameThemselves() {
        assertEquals("simd", SIMD.name());
        assertTrue(SimdKernels.vectorBits() >= 128, "vector width " + SimdKernels.vectorBits());
    }
}
