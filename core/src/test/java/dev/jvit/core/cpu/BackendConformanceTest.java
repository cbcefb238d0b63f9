package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * CpuBackend.simd() against CpuBackend.scalar() on whole NDArray operations: the layout walk is shared, so
 * this checks that the SIMD kernels give the reference answers for the runs the walk really produces:
 * contiguous arrays, transposed and sliced (strided) views, broadcast (stride-0) inputs, strided outputs,
 * reductions over every dimension set, and the fused softmax, layer norm and GELU with their backwards.
 * Same tolerance rules as {@link KernelConformanceTest}: bit-exact for IEEE arithmetic, 1e-6 relative
 * error (norm) and 1e-5 per element for anything with a transcendental or a reordered sum.
 */
class BackendConformanceTest {

    private static final Backend SCALAR = CpuBackend.scalar();
    private static final Backend SIMD = CpuBackend.simd();

    /** Builds one input layout from a seed: the same values for both backends. */
    private record Layout(String name, Function<Random, NDArray> make) {}

    private static NDArray randn(Random r, float scale, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 13 == 5 ? (r.nextBoolean() ? 25f : -25f) * r.nextFloat() : (float) r.nextGaussian() * scale;
        }
        return NDArray.of(a, shape);
    }

    /** Inputs of the same logical shape (4, 6, 35) in four layouts. */
    private static final Layout[] LAYOUTS = {
            new Layout("contiguous", r -> randn(r, 2f, 4, 6, 35)),
            new Layout("transposed", r -> randn(r, 2f, 35, 6, 4).permute(2, 1, 0)),
            new Layout("sliced", r -> randn(r, 2f, 5, 6, 72).slice(0, 1, 5, 1).slice(2, 1, 71, 2)),
            new Layout("broadcast", r -> randn(r, 2f, 4, 1, 35).expand(4, 6, 35)),
    };

    private static float[] host(NDArray x) {
        return SCALAR.toHostFloats(x);
    }

    private static void assertSame(String what, NDArray ref, NDArray got, boolean exact) {
        assertArrayEquals(ref.shape(), got.shape(), what + ": shape");
        float[] e = host(ref), a = host(got);
        if (exact) {
            for (int i = 0; i < e.length; i++) {
                if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) {
                    fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i]);
                }
            }
            return;
        }
        double d2 = 0, r2 = 0, maxRef = 0;
        for (float v : e) if (Float.isFinite(v)) maxRef = Math.max(maxRef, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            if (!Float.isFinite(e[i]) || !Float.isFinite(a[i])) {
                if (Float.compare(e[i], a[i]) != 0) fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i]);
                continue;
            }
            double d = (double) a[i] - e[i];
            d2 += d * d;
            r2 += (double) e[i] * e[i];
            if (Math.abs(d) > 1e-5 * Math.abs(e[i]) + 1e-6 * maxRef) {
                fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i]);
            }
        }
        double rel = r2 == 0 ? Math.sqrt(d2) : Math.sqrt(d2 / r2);
        assertTrue(rel <= 1e-6, what + ": relative error " + rel);
    }

    /**
     * For results that are a difference of nearly equal terms (y·(dy - dot) in the softmax backward): each
     * element may be off by a few roundings of the terms, so scale[i] (the size of those terms) sets its
     * tolerance, 1e-5 relative to the element plus 1e-6 of its scale, and the error norm is held to 1e-6 of
     * the scale's norm.
     */
    private static void assertConditioned(String what, NDArray ref, NDArray got, float[] scale) {
        float[] e = host(ref), a = host(got);
        double d2 = 0, s2 = 0;
        for (int i = 0; i < e.length; i++) {
            double d = (double) a[i] - e[i];
            d2 += d * d;
            s2 += (double) scale[i] * scale[i];
            if (!(Math.abs(d) <= 1e-5 * Math.abs(e[i]) + 1e-6 * scale[i])) {
                fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i] + " (scale " + scale[i] + ")");
            }
        }
        assertTrue(Math.sqrt(d2) <= 1e-6 * Math.sqrt(s2), what + ": error norm " + Math.sqrt(d2));
    }

    /** |y_i|·(|dy_i| + Σ_j |y_j·dy_j|) per row of the last dimension: the terms of y·(dy - dot). */
    private static float[] softmaxBackwardScale(NDArray y, NDArray dy, boolean log) {
        float[] yh = host(y), dh = host(dy), scale = new float[yh.length];
        int c = y.shape()[y.rank() - 1];
        for (int row = 0; row < yh.length; row += c) {
            double dot = 0;
            for (int j = 0; j < c; j++) dot += log ? Math.abs(dh[row + j]) : Math.abs(yh[row + j] * dh[row + j]);
            for (int j = 0; j < c; j++) {
                float p = log ? (float) Math.exp(yh[row + j]) : yh[row + j];
                scale[row + j] = (float) (log ? Math.abs(dh[row + j]) + p * dot : Math.abs(p) * (Math.abs(dh[row + j]) + dot));
            }
        }
        return scale;
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOnEveryLayout(UnaryOp op) {
        boolean exact = switch (op) {
            case NEG, ABS, RELU, STEP, SQRT -> true;
            default -> false;
        };
        for (Layout layout : LAYOUTS) {
            NDArray x = layout.make().apply(new Random(op.ordinal()));
            if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT) x = x.copy().abs().add(1e-3f);
            NDArray ref = SCALAR.empty(DType.FLOAT32, x.shape()), got = SIMD.empty(DType.FLOAT32, x.shape());
            SCALAR.unaryInto(op, x, ref);
            SIMD.unaryInto(op, x, got);
            assertSame(op + " " + layout.name(), ref, got, exact);
        }
    }

    /** The output itself a strided view: the walk hands contiguous runs of a transposed destination. */
    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"EXP", "TANH", "SIGMOID", "NEG"})
    void unaryIntoTransposedOutput(UnaryOp op) {
        NDArray x = randn(new Random(7), 2f, 9, 33);
        NDArray ref = SCALAR.empty(DType.FLOAT32, new int[] {33, 9}).transpose(0, 1);
        NDArray got = SIMD.empty(DType.FLOAT32, new int[] {33, 9}).transpose(0, 1);
        SCALAR.unaryInto(op, x, ref);
        SIMD.unaryInto(op, x, got);
        assertSame(op + " into transposed", ref, got, op == UnaryOp.NEG);
    }

    @Test
    void powScalarOnEveryLayout() {
        for (float exponent : new float[] {2f, 0.5f, 3f, -1f}) {
            for (Layout layout : LAYOUTS) {
                NDArray x = layout.make().apply(new Random(11)).copy().abs().add(0.1f);
                NDArray ref = SCALAR.empty(DType.FLOAT32, x.shape()), got = SIMD.empty(DType.FLOAT32, x.shape());
                SCALAR.powScalarInto(x, exponent, ref);
                SIMD.powScalarInto(x, exponent, got);
                assertSame("pow " + exponent + " " + layout.name(), ref, got, true);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryWithBroadcasting(BinaryOp op) {
        Random r = new Random(100 + op.ordinal());
        NDArray[][] pairs = {
                {randn(r, 2f, 4, 6, 35), randn(r, 2f, 4, 6, 35)},
                {randn(r, 2f, 4, 1, 35), randn(r, 2f, 1, 6, 35)},      // both broadcast
                {randn(r, 2f, 35, 6, 4).permute(2, 1, 0), randn(r, 2f, 35)}, // strided a, row b
                {randn(r, 2f, 4, 6, 35), randn(r, 2f, 4, 6, 1)},        // b broadcast along the run
                {randn(r, 2f, 1, 1, 1), randn(r, 2f, 4, 6, 35).slice(2, 0, 35, 1)}, // scalar a
        };
        for (NDArray[] p : pairs) {
            NDArray a = p[0], b = p[1];
            if (op == BinaryOp.POW) a = a.copy().abs().add(0.5f);
            int[] shape = {4, 6, 35};
            NDArray ref = SCALAR.empty(DType.FLOAT32, shape), got = SIMD.empty(DType.FLOAT32, shape);
            SCALAR.binaryInto(op, a, b, ref);
            SIMD.binaryInto(op, a, b, got);
            assertSame(op + " " + Arrays.toString(a.shape()) + " with " + Arrays.toString(b.shape()), ref, got, true);
        }
    }

    // ---- reductions -------------------------------------------------------------------------------

    private static final int[][] DIMS = {{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceOverEveryDimensionSet(ReduceOp op) {
        boolean exact = op == ReduceOp.MAX || op == ReduceOp.MIN;
        for (Layout layout : LAYOUTS) {
            NDArray x = layout.make().apply(new Random(200 + op.ordinal()));
            for (int[] dims : DIMS) {
                for (boolean keep : new boolean[] {false, true}) {
                    NDArray ref = SCALAR.reduce(op, x, dims, keep), got = SIMD.reduce(op, x, dims, keep);
                    String what = op + " " + layout.name() + " dims=" + Arrays.toString(dims) + " keep=" + keep;
                    if (exact) {
                        assertSame(what, ref, got, true);
                    } else {
                        // summation order differs: compare against the rounding of the absolute sum
                        NDArray absSum = SCALAR.reduce(op, x.copy().abs(), dims, keep);
                        float[] e = host(ref), a = host(got), s = host(absSum);
                        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 2e-6 * s[i] + 1e-30, what + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void varianceMatches() {
        for (Layout layout : LAYOUTS) {
            NDArray x = layout.make().apply(new Random(300)).add(50f); // an offset, so the mean matters
            for (int[] dims : DIMS) {
                for (int correction : new int[] {0, 1}) {
                    NDArray ref = SCALAR.variance(x, dims, correction, false);
                    NDArray got = SIMD.variance(x, dims, correction, false);
                    float[] e = host(ref), a = host(got);
                    for (int i = 0; i < e.length; i++) {
                        assertEquals(e[i], a[i], 1e-4 * Math.abs(e[i]) + 1e-6,
                                "variance " + layout.name() + " dims=" + Arrays.toString(dims) + " at " + i);
                    }
                }
            }
        }
    }

    // ---- fused ops --------------------------------------------------------------------------------

    @Test
    void softmaxFamilyOnEveryLayout() {
        for (Layout layout : LAYOUTS) {
            NDArray x = layout.make().apply(new Random(400));
            NDArray y = SCALAR.softmax(x), ly = SCALAR.logSoftmax(x);
            assertSame("softmax " + layout.name(), y, SIMD.softmax(x), false);
            assertSame("logSoftmax " + layout.name(), ly, SIMD.logSoftmax(x), false);
            NDArray dy = layout.make().apply(new Random(401));
            assertConditioned("softmaxBackward " + layout.name(), SCALAR.softmaxBackward(y, dy),
                    SIMD.softmaxBackward(y, dy), softmaxBackwardScale(y, dy, false));
            assertConditioned("logSoftmaxBackward " + layout.name(), SCALAR.logSoftmaxBackward(ly, dy),
                    SIMD.logSoftmaxBackward(ly, dy), softmaxBackwardScale(ly, dy, true));
        }
    }

    @Test
    void layerNormAndBackwardOnEveryLayout() {
        Random r = new Random(500);
        for (Layout layout : LAYOUTS) {
            NDArray x = layout.make().apply(new Random(501)).add(3f);
            NDArray dy = layout.make().apply(new Random(502));
            for (int mask = 0; mask < 4; mask++) {
                NDArray w = (mask & 1) != 0 ? randn(r, 1f, 35) : null;
                NDArray b = (mask & 2) != 0 ? randn(r, 1f, 35) : null;
                String what = "layerNorm " + layout.name() + " w=" + (w != null) + " b=" + (b != null);
                LayerNormResult ref = SCALAR.layerNorm(x, w, b, 1e-5f), got = SIMD.layerNorm(x, w, b, 1e-5f);
                assertSame(what + " y", ref.y(), got.y(), false);
                assertSame(what + " mean", ref.mean(), got.mean(), false);
                assertSame(what + " rstd", ref.rstd(), got.rstd(), false);
                LayerNormGrads gr = SCALAR.layerNormBackward(dy, x, w, ref.mean(), ref.rstd(), b != null);
                LayerNormGrads gg = SIMD.layerNormBackward(dy, x, w, ref.mean(), ref.rstd(), b != null);
                assertSame(what + " dx", gr.dx(), gg.dx(), false);
                if (w != null) assertSame(what + " dweight", gr.dweight(), gg.dweight(), false);
                else assertNull(gg.dweight(), what + " dweight without weight");
                if (b != null) assertSame(what + " dbias", gr.dbias(), gg.dbias(), false);
                else assertNull(gg.dbias(), what + " dbias without bias");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(GeluApproximation.class)
    void geluAndBackwardOnEveryLayout(GeluApproximation approximation) {
        for (Layout layout : LAYOUTS) {
            NDArray x = layout.make().apply(new Random(600));
            NDArray dy = layout.make().apply(new Random(601));
            assertSame("gelu " + approximation + " " + layout.name(), SCALAR.gelu(x, approximation),
                    SIMD.gelu(x, approximation), false);
            assertSame("geluBackward " + approximation + " " + layout.name(),
                    SCALAR.geluBackward(x, dy, approximation), SIMD.geluBackward(x, dy, approximation), false);
        }
    }

    // ---- selection --------------------------------------------------------------------------------

    @Test
    void systemPropertySelectsTheKernels() {
        String old = System.getProperty("jvit.cpu.kernels");
        try {
            System.setProperty("jvit.cpu.kernels", "scalar");
            assertTrue(CpuBackend.fromSystemProperties().name().contains("scalar"),
                    CpuBackend.fromSystemProperties().name());
            System.setProperty("jvit.cpu.kernels", "simd");
            assertTrue(CpuBackend.fromSystemProperties().name().contains("simd"),
                    CpuBackend.fromSystemProperties().name());
        } finally {
            if (old == null) System.clearProperty("jvit.cpu.kernels");
            else System.setProperty("jvit.cpu.kernels", old);
        }
    }
}
