package dev.jvit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.LayerNormGrads;
import dev.jvit.core.backend.LayerNormResult;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;
import dev.jvit.core.cpu.CpuBackend;
import dev.jvit.core.cpu.ScalarMath;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's layout layer on the scalar reference kernels: every op against hand-computed values or
 * a straightforward formula, on contiguous inputs, strided and broadcast views, and arrays big enough to
 * take the threaded paths (whose results must not depend on the thread count).
 */
class CpuBackendOpsTest {
    private static Backend previous;
    private static final int THREADS = Parallel.threads();

    @BeforeAll
    static void useScalar() {
        previous = Backends.setCpu(CpuBackend.scalar());
    }

    @AfterAll
    static void restore() {
        Backends.setCpu(previous);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static NDArray random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 4 - 2);
        return NDArray.of(v, shape);
    }

    private static NDArray iota(int... shape) {
        float[] v = new float[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return NDArray.of(v, shape);
    }

    private static void assertClose(float[] expected, NDArray actual, double tol) {
        float[] a = actual.toFloatArray();
        assertEquals(expected.length, a.length, "length");
        for (int i = 0; i < a.length; i++) {
            double e = expected[i];
            if (Double.isNaN(e)) {
                assertTrue(Float.isNaN(a[i]), "element " + i + ": expected NaN, got " + a[i]);
            } else if (Double.isInfinite(e)) {
                assertEquals(e, a[i], "element " + i);
            } else {
                assertEquals(e, a[i], tol * Math.max(1, Math.abs(e)), "element " + i);
            }
        }
    }

    /** Row-major flat index of a multi-index. */
    private static int flat(int[] idx, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
        return f;
    }

    private static boolean next(int[] idx, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return true;
            idx[d] = 0;
        }
        return false;
    }

    /** A plain reference reduction in double over x's row-major values; result in keepDim shape. */
    private static float[] referenceReduce(ReduceOp op, float[] x, int[] shape, int... dims) {
        int[] keep = shape.clone();
        for (int d : dims) keep[d] = 1;
        double[] acc = new double[(int) Shape.numel(keep)];
        int[] count = new int[acc.length];
        Arrays.fill(acc, op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0);
        int[] idx = new int[shape.length], o = new int[shape.length];
        if (Shape.numel(shape) > 0) {
            do {
                for (int d = 0; d < shape.length; d++) o[d] = keep[d] == 1 ? 0 : idx[d];
                int k = flat(o, keep);
                double v = x[flat(idx, shape)];
                acc[k] = switch (op) {
                    case SUM, MEAN -> acc[k] + v;
                    case MAX -> Math.max(acc[k], v);
                    case MIN -> Math.min(acc[k], v);
                };
                count[k]++;
            } while (next(idx, shape));
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (op == ReduceOp.MEAN ? acc[i] / count[i] : acc[i]);
        return out;
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @Test
    void broadcastingAgainstHandComputedValues() {
        NDArray col = NDArray.of(new float[] {1, 2}, 2, 1);
        NDArray row = NDArray.of(new float[] {10, 20, 30}, 3);
        NDArray s = col.add(row);
        assertArrayEquals(new int[] {2, 3}, s.shape());
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32}, s.toFloatArray());
        assertArrayEquals(new float[] {-9, -19, -29, -8, -18, -28}, col.sub(row).toFloatArray());
        assertArrayEquals(new float[] {2, 4}, col.mul(2f).toFloatArray());

        NDArray a = iota(2, 1, 3), b = iota(4, 1);
        NDArray c = a.mul(b);
        assertArrayEquals(new int[] {2, 4, 3}, c.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 3; k++) assertEquals((i * 3 + k) * j, c.get(i, j, k));
            }
        }
    }

    @Test
    void everyBinaryOpMatchesJava() {
        float[] av = {-2f, -0.5f, 0f, 0.5f, 3f, 2f, 4f};
        float[] bv = {1.5f, -0.5f, 0f, 2f, 3f, -1f, 0.5f};
        NDArray a = NDArray.of(av, av.length), b = NDArray.of(bv, bv.length);
        for (BinaryOp op : BinaryOp.values()) {
            DoubleBinaryOperator f = switch (op) {
                case ADD -> (x, y) -> (float) x + (float) y;
                case SUB -> (x, y) -> (float) x - (float) y;
                case MUL -> (x, y) -> (float) x * (float) y;
                case DIV -> (x, y) -> (float) x / (float) y;
                case MAX -> Math::max;
                case MIN -> Math::min;
                case POW -> Math::pow;
                case EQ -> (x, y) -> x == y ? 1 : 0;
                case NE -> (x, y) -> x != y ? 1 : 0;
                case LT -> (x, y) -> x < y ? 1 : 0;
                case LE -> (x, y) -> x <= y ? 1 : 0;
                case GT -> (x, y) -> x > y ? 1 : 0;
                case GE -> (x, y) -> x >= y ? 1 : 0;
            };
            float[] want = new float[av.length];
            for (int i = 0; i < av.length; i++) want[i] = (float) f.applyAsDouble(av[i], bv[i]);
            assertClose(want, a.binary(op, b), 1e-7);
            // the same with a strided operand: every other element of an interleaved array
            float[] inter = new float[2 * av.length];
            for (int i = 0; i < av.length; i++) {
                inter[2 * i] = av[i];
                inter[2 * i + 1] = 99f;
            }
            NDArray at = NDArray.of(inter, av.length, 2).select(1, 0);
            assertEquals(2, at.stride(0));
            assertClose(want, at.binary(op, b), 1e-7);
        }
    }

    @Test
    void everyUnaryOpMatchesJava() {
        float[] v = {-3f, -1f, -0.25f, 0f, 0.25f, 1f, 2.5f};
        NDArray x = NDArray.of(v, v.length);
        double[] erf = {-0.99997790950300141, -0.84270079294971487, -0.27632639016823693, 0,
                0.27632639016823693, 0.84270079294971487, 0.99959304798255504};
        for (UnaryOp op : UnaryOp.values()) {
            DoubleUnaryOperator f = switch (op) {
                case NEG -> t -> -t;
                case EXP -> Math::exp;
                case LOG -> Math::log;
                case SQRT -> Math::sqrt;
                case RSQRT -> t -> 1 / Math.sqrt(t);
                case TANH -> Math::tanh;
                case ERF -> null;
                case ABS -> Math::abs;
                case RELU -> t -> Math.max(t, 0);
                case SIGMOID -> t -> 1 / (1 + Math.exp(-t));
                case STEP -> t -> t > 0 ? 1 : 0;
            };
            float[] want = new float[v.length];
            for (int i = 0; i < v.length; i++) want[i] = (float) (f == null ? erf[i] : f.applyAsDouble(v[i]));
            assertClose(want, x.unary(op), 2e-7);
        }
        float[] want = new float[v.length];
        for (int i = 0; i < v.length; i++) want[i] = (float) Math.pow(v[i], 3);
        assertClose(want, x.pow(3f), 1e-7);
        assertClose(new float[] {Float.NaN, Float.NaN}, NDArray.of(new float[] {-1, -4}, 2).pow(0.5f), 0);
    }

    @Test
    void erfIsAccurateToAboutOneUlp() {
        double[][] ref = {{1e-8, 1.1283791670955126e-8}, {1e-3, 0.0011283787909692364}, {0.1, 0.1124629160182849},
                {0.5, 0.52049987781304654}, {0.9, 0.79690821242283214}, {0.93, 0.81156355858455776},
                {1.0, 0.84270079294971487}, {1.5, 0.96610514647531073}, {2.0, 0.99532226501895273},
                {2.5, 0.99959304798255504}, {3.0, 0.99997790950300141}, {3.5, 0.99999925690162766},
                {4.0, 0.9999999845827421}, {5.0, 0.99999999999846254}};
        for (double[] r : ref) {
            float x = (float) r[0];
            // the reference at the float actually passed, to first order
            double want = r[1] + (x - r[0]) * 2 / Math.sqrt(Math.PI) * Math.exp(-r[0] * r[0]);
            float got = ScalarMath.erf(x);
            assertEquals(want, got, 1.5 * Math.ulp((float) want), "erf(" + x + ")");
            assertEquals(-got, ScalarMath.erf(-x), 0f, "odd at " + x);
        }
        assertEquals(1f, ScalarMath.erf(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(ScalarMath.erf(Float.NaN)));
    }

    @Test
    void unaryAndBinaryIntoStridedOutputs() {
        NDArray x = random(1, 5, 7);
        NDArray outT = NDArray.zeros(7, 5).transpose(0, 1); // written through a transpose
        x.backend().unaryInto(UnaryOp.EXP, x, outT);
        float[] xv = x.toFloatArray(), want = new float[xv.length];
        for (int i = 0; i < xv.length; i++) want[i] = (float) Math.exp(xv[i]);
        assertClose(want, outT, 1e-6);
        NDArray y = random(2, 7, 5).transpose(0, 1); // a strided input
        x.backend().binaryInto(BinaryOp.SUB, x, y, outT);
        float[] yv = y.toFloatArray();
        for (int i = 0; i < xv.length; i++) want[i] = xv[i] - yv[i];
        assertClose(want, outT, 0);
    }

    @Test
    void whereWithFloatAndIntConditions() {
        NDArray cond = NDArray.of(new float[] {1, 0, 2}, 3);
        NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NDArray b = NDArray.scalar(-1f);
        assertArrayEquals(new float[] {1, -1, 3, 4, -1, 6}, NDArray.where(cond, a, b).toFloatArray());
        NDArray icond = NDArray.ofInts(new int[] {0, 1}, 2, 1);
        assertArrayEquals(new float[] {-1, -1, -1, 4, 5, 6}, NDArray.where(icond, a, b).toFloatArray());
        assertArrayEquals(new float[] {1, 9, 3, 4, 5, 6}, a.maskedFill(a.lt(NDArray.scalar(3f)).mul(cond.eq(NDArray.scalar(0f))), 9f).toFloatArray());
    }

    @Test
    void comparisonsGiveFloatMasks() {
        NDArray a = NDArray.of(new float[] {1, 2, 3}, 3), b = NDArray.of(new float[] {2, 2, 2}, 3);
        assertArrayEquals(new float[] {1, 0, 0}, a.lt(b).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 0}, a.eq(b).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 1}, a.ge(b).toFloatArray());
    }

    @Test
    void copyConvertsDtypesAndFills() {
        NDArray f = NDArray.of(new float[] {-1.7f, -0.2f, 0.9f, 2.5f}, 2, 2);
        NDArray i = f.toType(DType.INT32);
        assertEquals(DType.INT32, i.dtype());
        assertArrayEquals(new int[] {-1, 0, 0, 2}, i.toIntArray());
        assertArrayEquals(new int[] {-1, 0, 0, 2}, f.transpose(0, 1).toType(DType.INT32).transpose(0, 1).contiguous().toIntArray());
        assertArrayEquals(new float[] {-1, 0, 0, 2}, i.toType(DType.FLOAT32).toFloatArray());
        NDArray ints = NDArray.empty(DType.INT32, 3);
        ints.fill(7.9f);
        assertArrayEquals(new int[] {7, 7, 7}, ints.toIntArray());
        NDArray z = NDArray.zeros(3, 3);
        z.copyFrom(NDArray.of(new float[] {1, 2, 3}, 3, 1));
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 3, 3, 3}, z.toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3}, z.transpose(0, 1).toFloatArray());
    }

    @Test
    void bigElementwiseOpsTakeTheThreadedPathsAndAgree() {
        for (int threads : new int[] {1, 3}) {
            Parallel.setThreads(threads);
            NDArray a = random(3, 100_003), b = random(4, 100_003);
            float[] av = a.toFloatArray(), bv = b.toFloatArray(), want = new float[av.length];
            for (int i = 0; i < av.length; i++) want[i] = av[i] * bv[i];
            assertClose(want, a.mul(b), 0);
            // many short strided runs: a transposed (400, 300) matrix plus a broadcast row
            NDArray m = random(5, 300, 400).transpose(0, 1), r = random(6, 300);
            float[] mv = m.toFloatArray(), rv = r.toFloatArray(), w2 = new float[mv.length];
            for (int i = 0; i < mv.length; i++) w2[i] = mv[i] + rv[i % 300];
            assertClose(w2, m.add(r), 0);
        }
    }

    // ---- reductions -------------------------------------------------------------------------------

    @Test
    void reductionsOverAnyDimsOnStridedInputs() {
        NDArray base = random(7, 4, 3, 5);
        NDArray[] inputs = {base, base.permute(2, 0, 1), base.slice(2, 0, 5, 2), base.select(1, 1).unsqueeze(1).expand(4, 3, 5)};
        int[][] dimSets = {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1}, {0, 1, 2}};
        for (NDArray x : inputs) {
            float[] xv = x.toFloatArray();
            int[] shape = x.shape();
            for (int[] dims : dimSets) {
                for (ReduceOp op : ReduceOp.values()) {
                    float[] want = referenceReduce(op, xv, shape, dims);
                    NDArray kept = x.reduce(op, true, dims);
                    int[] keepShape = shape.clone();
                    for (int d : dims) keepShape[d] = 1;
                    assertArrayEquals(keepShape, kept.shape(), op + " " + Arrays.toString(dims));
                    assertClose(want, kept, 1e-5);
                    NDArray dropped = x.reduce(op, false, dims);
                    assertEquals(shape.length - dims.length, dropped.rank());
                    assertClose(want, dropped, 1e-5);
                }
            }
        }
        assertEquals(0, iota(2, 3).sum().rank());
        assertEquals(15f, iota(2, 3).sum().item());
        assertEquals(2.5f, iota(2, 3).mean().item());
    }

    @Test
    void reductionsOfEmptyArrays() {
        NDArray e = NDArray.zeros(0, 3);
        assertArrayEquals(new float[] {0, 0, 0}, e.sum(0).toFloatArray());
        assertTrue(Float.isNaN(e.mean(0).toFloatArray()[0]));
        assertEquals(0, e.sum(1).numel());
    }

    @Test
    void bigReductionsAreCorrectAndIndependentOfThreads() {
        NDArray[] inputs = {random(11, 3, 70_000), random(12, 70_000, 3), random(13, 512, 96),
                random(14, 96, 512).transpose(0, 1), random(15, 8, 300, 40), random(16, 300, 4, 200),
                random(17, 300, 400).slice(1, 0, 400, 2)};
        int[][][] dimSets = {{{1}, {0}, {0, 1}}, {{0}, {1}}, {{0}, {1}}, {{0}, {1}}, {{0, 1}, {1}, {0, 2}, {2}},
                {{0, 2}, {1}}, {{0}, {1}}};
        for (int t = 0; t < inputs.length; t++) {
            NDArray x = inputs[t];
            float[] xv = x.toFloatArray();
            for (int[] dims : dimSets[t]) {
                for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX}) {
                    Parallel.setThreads(1);
                    float[] one = x.reduce(op, false, dims).toFloatArray();
                    Parallel.setThreads(3);
                    float[] three = x.reduce(op, false, dims).toFloatArray();
                    assertArrayEquals(one, three, 0f, "thread count changed " + op + " " + Arrays.toString(dims));
                    float[] want = referenceReduce(op, xv, x.shape(), dims);
                    // float sums drift from the double reference by about sqrt(count) ulps of the partial sums
                    double tol = op == ReduceOp.SUM ? 1e-6 * xv.length / want.length : 0;
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], one[i], tol + 1e-5, op + " " + Arrays.toString(dims) + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void varianceWithCorrection() {
        NDArray x = NDArray.of(new float[] {1, 2, 3, 4, 2, 4, 6, 8}, 2, 4);
        assertClose(new float[] {5f / 3, 20f / 3}, x.var(1, false, 1), 1e-6);
        assertClose(new float[] {0.5f, 2f, 4.5f, 8f}, x.var(1, false, 0), 1e-6);
        NDArray v = x.var(0, true, 0);
        assertArrayEquals(new int[] {1, 4}, v.shape());
        assertClose(new float[] {0.25f, 1f, 2.25f, 4f}, v, 1e-6);
        NDArray all = x.var(1, false);
        float[] xv = x.toFloatArray();
        double m = 0, ss = 0;
        for (float f : xv) m += f / 8.0;
        for (float f : xv) ss += (f - m) * (f - m);
        assertEquals(ss / 7, all.item(), 1e-5);
        assertTrue(Float.isNaN(NDArray.scalar(3f).var(1, false).item()), "n - correction = 0 gives 0/0");
        NDArray t = x.transpose(0, 1);
        assertClose(new float[] {5f / 3, 20f / 3}, t.var(1, false, 0), 1e-6);
    }

    @Test
    void argmaxTakesTheFirstMaximum() {
        NDArray x = NDArray.of(new float[] {1, 5, 5, 0, 7, 2, 7, 7}, 2, 4);
        NDArray a = x.argmax(1);
        assertEquals(DType.INT32, a.dtype());
        assertArrayEquals(new int[] {1, 0}, a.toIntArray());
        assertArrayEquals(new int[] {1, 0, 1, 1}, x.argmax(0).toIntArray());
        assertArrayEquals(new int[] {2, 1}, x.argmax(-1, true).shape());
        assertArrayEquals(new int[] {1, 0}, x.transpose(0, 1).argmax(0).toIntArray());
        assertArrayEquals(new int[] {2}, NDArray.of(new float[] {1, 9, Float.NaN, 3}, 4).argmax(0).toIntArray());
        NDArray big = random(21, 40_000, 3);
        int[] got = big.argmax(1).toIntArray();
        float[] bv = big.toFloatArray();
        for (int r = 0; r < 40_000; r++) {
            int best = 0;
            for (int c = 1; c < 3; c++) if (bv[r * 3 + c] > bv[r * 3 + best]) best = c;
            assertEquals(best, got[r], "row " + r);
        }
    }

    // ---- matmul -----------------------------------------------------------------------------------

    /** Naive product over row-major values, with batch broadcasting done by the caller. */
    private static float[] naiveMatmul(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    @Test
    void matmulSmallHandComputed() {
        NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NDArray b = NDArray.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, a.matmul(b).toFloatArray());
        assertArrayEquals(new float[] {14, 32}, a.matmul(NDArray.of(new float[] {1, 2, 3}, 3)).toFloatArray());
        NDArray z = a.matmul(NDArray.zeros(3, 0));
        assertArrayEquals(new int[] {2, 0}, z.shape());
        NDArray k0 = NDArray.zeros(2, 0).matmul(NDArray.zeros(0, 3));
        assertArrayEquals(new float[6], k0.toFloatArray());
    }

    @Test
    void matmulReadsTransposedAndSteppedViews() {
        NDArray a = random(31, 6, 5), b = random(32, 7, 6); // use a^T (5,6) and b^T (6,7)
        float[] want = naiveMatmul(a.mT().toFloatArray(), b.mT().toFloatArray(), 5, 6, 7);
        assertClose(want, a.mT().matmul(b.mT()), 1e-5);
        NDArray big = random(33, 12, 14);
        NDArray stepped = big.slice(0, 0, 12, 2).slice(1, 1, 14, 2); // (6, 7), both strides != 1
        NDArray c = random(34, 7, 3);
        assertClose(naiveMatmul(stepped.toFloatArray(), c.toFloatArray(), 6, 7, 3), stepped.matmul(c), 1e-5);
    }

    @Test
    void matmulBroadcastsBatchDims() {
        NDArray a = random(41, 2, 1, 3, 4), b = random(42, 5, 4, 2);
        NDArray c = a.matmul(b);
        assertArrayEquals(new int[] {2, 5, 3, 2}, c.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                float[] want = naiveMatmul(a.select(0, i).select(0, 0).toFloatArray(),
                        b.select(0, j).toFloatArray(), 3, 4, 2);
                assertClose(want, c.select(0, i).select(0, j), 1e-5);
            }
        }
    }

    @Test
    void matmulFoldsASharedWeightAndHandlesManySmallMatrices() {
        NDArray x = random(51, 4, 5, 6), w = random(52, 6, 3);
        NDArray y = x.matmul(w);
        assertArrayEquals(new int[] {4, 5, 3}, y.shape());
        assertClose(naiveMatmul(x.toFloatArray(), w.toFloatArray(), 20, 6, 3), y, 1e-5);
        NDArray xp = random(53, 5, 4, 6).transpose(0, 1); // batch rows that do not fold into one matrix
        assertClose(naiveMatmul(xp.toFloatArray(), w.toFloatArray(), 20, 6, 3), xp.matmul(w), 1e-5);

        NDArray qa = random(54, 64, 8, 8), qb = random(55, 64, 8, 8).mT();
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            NDArray qc = qa.matmul(qb);
            for (int i = 0; i < 64; i += 9) {
                float[] want = naiveMatmul(qa.select(0, i).toFloatArray(), qb.select(0, i).toFloatArray(), 8, 8, 8);
                assertClose(want, qc.select(0, i), 1e-5);
            }
        }
    }

    // ---- joining and indexing ---------------------------------------------------------------------

    @Test
    void concatAlongAnyDim() {
        NDArray a = iota(2, 2), b = iota(2, 3).add(10f);
        NDArray c = NDArray.concat(1, a, b);
        assertArrayEquals(new float[] {0, 1, 10, 11, 12, 2, 3, 13, 14, 15}, c.toFloatArray());
        NDArray d = NDArray.concat(0, a, a.transpose(0, 1));
        assertArrayEquals(new float[] {0, 1, 2, 3, 0, 2, 1, 3}, d.toFloatArray());
        NDArray i = NDArray.concat(0, NDArray.ofInts(new int[] {1, 2}, 2), NDArray.ofInts(new int[] {3}, 1));
        assertArrayEquals(new int[] {1, 2, 3}, i.toIntArray());
    }

    @Test
    void indexSelectAndIndexAdd() {
        NDArray x = iota(3, 4);
        NDArray idx = NDArray.ofInts(new int[] {2, 0, 2}, 3);
        assertArrayEquals(new float[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, x.indexSelect(0, idx).toFloatArray());
        assertArrayEquals(new float[] {2, 0, 2, 6, 4, 6, 10, 8, 10}, x.indexSelect(1, idx).toFloatArray());
        NDArray xt = x.transpose(0, 1).indexSelect(1, NDArray.ofInts(new int[] {0, 2}, 2)); // (4, 2)
        assertArrayEquals(new float[] {0, 8, 1, 9, 2, 10, 3, 11}, xt.toFloatArray());

        NDArray acc = NDArray.zeros(3, 2);
        acc.indexAddInPlace(0, idx, NDArray.ones(3, 2));
        assertArrayEquals(new float[] {1, 1, 0, 0, 2, 2}, acc.toFloatArray());
        NDArray accT = NDArray.zeros(2, 3).transpose(0, 1); // a strided destination
        accT.indexAddInPlace(1, NDArray.ofInts(new int[] {1, 1}, 2), iota(3, 2));
        assertArrayEquals(new float[] {0, 1, 0, 5, 0, 9}, accT.toFloatArray());
    }

    @Test
    void gatherAndScatterAdd() {
        NDArray x = iota(2, 3);
        NDArray idx = NDArray.ofInts(new int[] {2, 2, 0, 1}, 2, 2);
        assertArrayEquals(new float[] {2, 2, 3, 4}, x.gather(1, idx).toFloatArray());
        NDArray idx0 = NDArray.ofInts(new int[] {1, 0, 1}, 1, 3);
        assertArrayEquals(new float[] {3, 1, 5}, x.gather(0, idx0).toFloatArray());
        assertArrayEquals(new float[] {2, 2, 5, 3}, x.transpose(0, 1).contiguous().transpose(0, 1).gather(1,
                NDArray.ofInts(new int[] {2, 2, 2, 0}, 2, 2)).toFloatArray());

        NDArray d = NDArray.zeros(2, 3);
        d.scatterAddInPlace(1, idx, NDArray.of(new float[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new float[] {0, 0, 3, 3, 4, 0}, d.toFloatArray());
        NDArray d0 = NDArray.zeros(2, 3);
        d0.scatterAddInPlace(0, idx0, NDArray.of(new float[] {5, 6, 7}, 1, 3));
        assertArrayEquals(new float[] {0, 6, 0, 5, 0, 7}, d0.toFloatArray());
    }

    // ---- random -----------------------------------------------------------------------------------

    @Test
    void randomDrawsAreReproducibleAndRowMajor() {
        NDArray a = NDArray.rand(new Generator(42), 3, 4);
        NDArray b = NDArray.rand(new Generator(42), 3, 4);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
        assertFalse(Arrays.equals(a.toFloatArray(), NDArray.rand(new Generator(43), 3, 4).toFloatArray()));
        for (float v : a.toFloatArray()) assertTrue(v >= 0f && v < 1f);
        // a transposed destination is filled in its own row-major order
        NDArray t = NDArray.zeros(4, 3).transpose(0, 1);
        t.backend().uniform(t, 0f, 1f, new Generator(42));
        assertArrayEquals(a.toFloatArray(), t.toFloatArray(), 0f);
        // element i is a pure function of the fill's key (one nextLong of the generator) and i
        long key = new Generator(7).nextLong();
        float[] expected = new float[5];
        for (int i = 0; i < 5; i++) expected[i] = 2f + 3f * Generator.gaussianAt(key, i);
        NDArray n = NDArray.empty(DType.FLOAT32, 5);
        n.backend().normal(n, 2f, 3f, new Generator(7));
        assertArrayEquals(expected, n.toFloatArray(), 0f);
        // large fills run on several threads and give the same values as one thread
        int before = dev.jvit.core.Parallel.threads();
        NDArray big2 = NDArray.rand(new Generator(5), 100_000);
        dev.jvit.core.Parallel.setThreads(1);
        NDArray big1 = NDArray.rand(new Generator(5), 100_000);
        dev.jvit.core.Parallel.setThreads(before);
        assertArrayEquals(big1.toFloatArray(), big2.toFloatArray(), 0f);
        NDArray many = NDArray.randn(new Generator(1), 20_000);
        assertEquals(0.0, many.mean().item(), 0.03);
        assertEquals(1.0, many.var(1, false).item(), 0.05);
    }

    // ---- fused ops --------------------------------------------------------------------------------

    @Test
    void softmaxAndLogSoftmaxMatchTheFormula() {
        NDArray x = random(61, 5, 3).transpose(0, 1).mul(4f); // (3,5), strided rows
        float[] xv = x.toFloatArray(), sm = new float[15], lsm = new float[15];
        for (int r = 0; r < 3; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < 5; c++) max = Math.max(max, xv[r * 5 + c]);
            for (int c = 0; c < 5; c++) sum += Math.exp(xv[r * 5 + c] - max);
            for (int c = 0; c < 5; c++) {
                sm[r * 5 + c] = (float) (Math.exp(xv[r * 5 + c] - max) / sum);
                lsm[r * 5 + c] = (float) (xv[r * 5 + c] - max - Math.log(sum));
            }
        }
        NDArray y = x.softmax();
        assertClose(sm, y, 1e-6);
        assertClose(lsm, x.logSoftmax(), 1e-6);
        assertClose(new float[] {0.5f, 0.5f}, NDArray.of(new float[] {1000f, 1000f}, 2).softmax(), 0);

        NDArray dy = random(62, 3, 5);
        float[] dv = dy.toFloatArray(), dx = new float[15], dxl = new float[15];
        for (int r = 0; r < 3; r++) {
            double dot = 0, s = 0;
            for (int c = 0; c < 5; c++) {
                dot += dv[r * 5 + c] * sm[r * 5 + c];
                s += dv[r * 5 + c];
            }
            for (int c = 0; c < 5; c++) {
                dx[r * 5 + c] = (float) (sm[r * 5 + c] * (dv[r * 5 + c] - dot));
                dxl[r * 5 + c] = (float) (dv[r * 5 + c] - sm[r * 5 + c] * s);
            }
        }
        assertClose(dx, x.backend().softmaxBackward(y, dy), 1e-6);
        assertClose(dxl, x.backend().logSoftmaxBackward(x.logSoftmax(), dy), 1e-5);
    }

    @Test
    void layerNormMatchesTheFormulaAndItsGradient() {
        int rows = 6, c = 10;
        NDArray x = random(71, 2, 3, c), w = random(72, c), b = random(73, c), dy = random(74, 2, 3, c);
        LayerNormResult r = x.backend().layerNorm(x, w, b, 1e-5f);
        assertArrayEquals(new int[] {2, 3}, r.mean().shape());
        assertArrayEquals(new int[] {2, 3}, r.rstd().shape());
        float[] xv = x.toFloatArray(), wv = w.toFloatArray(), bv = b.toFloatArray(), dv = dy.toFloatArray();
        float[] y = new float[rows * c], dx = new float[rows * c], dw = new float[c], db = new float[c];
        for (int i = 0; i < rows; i++) {
            double mu = 0, var = 0;
            for (int j = 0; j < c; j++) mu += xv[i * c + j] / (double) c;
            for (int j = 0; j < c; j++) var += (xv[i * c + j] - mu) * (xv[i * c + j] - mu) / c;
            double rstd = 1 / Math.sqrt(var + 1e-5);
            assertEquals(mu, r.mean().toFloatArray()[i], 1e-6);
            assertEquals(rstd, r.rstd().toFloatArray()[i], 1e-5 * rstd);
            double g = 0, gx = 0;
            for (int j = 0; j < c; j++) {
                double xh = (xv[i * c + j] - mu) * rstd;
                y[i * c + j] = (float) (xh * wv[j] + bv[j]);
                g += dv[i * c + j] * wv[j] / c;
                gx += dv[i * c + j] * wv[j] * xh / c;
                dw[j] += (float) (dv[i * c + j] * xh);
                db[j] += dv[i * c + j];
            }
            for (int j = 0; j < c; j++) {
                double xh = (xv[i * c + j] - mu) * rstd;
                dx[i * c + j] = (float) ((dv[i * c + j] * wv[j] - g - xh * gx) * rstd);
            }
        }
        assertClose(y, r.y(), 1e-5);
        LayerNormGrads grads = x.backend().layerNormBackward(dy, x, w, r.mean(), r.rstd(), true);
        assertClose(dx, grads.dx(), 1e-4);
        assertClose(dw, grads.dweight(), 1e-5);
        assertClose(db, grads.dbias(), 1e-5);
        LayerNormGrads noAffine = x.backend().layerNormBackward(dy, x, null, r.mean(), r.rstd(), false);
        assertNull(noAffine.dweight());
        assertNull(noAffine.dbias());
        LayerNormResult plain = x.transpose(0, 1).backend().layerNorm(x.transpose(0, 1), null, null, 1e-5f);
        assertClose(new float[] {0f}, plain.y().sum(-1).abs().max(), 1e-5);
    }

    @Test
    void layerNormWeightGradientIsIndependentOfThreads() {
        NDArray x = random(75, 2000, 48), w = random(76, 48), dy = random(77, 2000, 48);
        LayerNormResult r = x.backend().layerNorm(x, w, null, 1e-5f);
        Parallel.setThreads(1);
        LayerNormGrads one = x.backend().layerNormBackward(dy, x, w, r.mean(), r.rstd(), true);
        Parallel.setThreads(3);
        LayerNormGrads three = x.backend().layerNormBackward(dy, x, w, r.mean(), r.rstd(), true);
        assertArrayEquals(one.dweight().toFloatArray(), three.dweight().toFloatArray(), 0f);
        assertArrayEquals(one.dbias().toFloatArray(), three.dbias().toFloatArray(), 0f);
        assertArrayEquals(one.dx().toFloatArray(), three.dx().toFloatArray(), 0f);
        assertClose(dy.sum(0).toFloatArray(), one.dbias(), 1e-4);
    }

    @Test
    void geluBothFormsAndTheirDerivatives() {
        float[] v = {-4f, -1.5f, -0.3f, 0f, 0.3f, 1f, 2.5f};
        NDArray x = NDArray.of(v, v.length);
        float[] exact = new float[v.length], tanh = new float[v.length];
        double[] erf = {-0.99993665751633376, -0.86638559746228387, -0.23582284437790527, 0,
                0.23582284437790527, 0.6826894921370859, 0.98758066934844773}; // erf(x / sqrt 2)
        for (int i = 0; i < v.length; i++) {
            exact[i] = (float) (0.5 * v[i] * (1 + erf[i]));
            tanh[i] = (float) (0.5 * v[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v[i] + 0.044715 * Math.pow(v[i], 3)))));
        }
        assertClose(exact, x.gelu(GeluApproximation.NONE), 2e-6);
        assertClose(tanh, x.gelu(GeluApproximation.TANH), 2e-6);
        NDArray dy = NDArray.full(2f, v.length);
        for (GeluApproximation ap : GeluApproximation.values()) {
            float[] want = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                double h = 1e-3;
                double up = ap == GeluApproximation.NONE ? ScalarMath.geluErf(v[i] + (float) h) : ScalarMath.geluTanh(v[i] + (float) h);
                double dn = ap == GeluApproximation.NONE ? ScalarMath.geluErf(v[i] - (float) h) : ScalarMath.geluTanh(v[i] - (float) h);
                want[i] = (float) (2 * (up - dn) / (2 * h));
            }
            assertClose(want, x.backend().geluBackward(x, dy, ap), 2e-3);
        }
    }

    @Test
    void backendChoice() {
        assertEquals("cpu (scalar)", CpuBackend.scalar().name());
        String old = System.getProperty("jvit.cpu.kernels");
        try {
            System.setProperty("jvit.cpu.kernels", "scalar");
            assertEquals("cpu (scalar)", CpuBackend.fromSystemProperties().name());
        } finally {
            if (old == null) System.clearProperty("jvit.cpu.kernels");
            else System.setProperty("jvit.cpu.kernels", old);
        }
    }
}
