package dev.jvit.core.cpu;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Backend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused optimizer updates: the SIMD row kernels against their scalar twins (bit for bit, since both use
 * fma in the same places and the rest is exact IEEE arithmetic), and the backend entry points, on
 * contiguous arrays, offset and transposed views and arrays big enough to be split across threads, against
 * the formulas evaluated in double here.
 */
class OptimizerUpdateTest {
    private static final int[] LENGTHS = {1, 3, 15, 16, 17, 31, 64, 100, 1029};
    private final CpuKernels scalar = new ScalarKernels();
    private final CpuKernels simd = new SimdKernels();

    private static float[] randn(Generator g, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = g.nextGaussian() * scale;
        return a;
    }

    private static float[] positive(Generator g, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = 0.01f + g.nextFloat();
        return a;
    }

    // ---- SIMD against scalar ----------------------------------------------------------------------------

    @Test
    void adamSimdMatchesScalarBitForBit() {
        Generator g = new Generator(11);
        for (int n : LENGTHS) {
            for (boolean decoupled : new boolean[] {true, false}) {
                int off = 3; // rows start at an offset, so vector loads are not aligned to the array start
                float[] p = randn(g, n + off, 1f), grad = randn(g, n + off, 0.5f);
                float[] m = randn(g, n + off, 0.1f), v = positive(g, n + off);
                float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
                float l2 = decoupled ? 0f : 0.05f, decay = decoupled ? 0.9995f : 1f;
                scalar.adamUpdate(p, off, grad, off, m, off, v, off, n, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, l2,
                        decay, 0.003f, 0.0447f);
                simd.adamUpdate(p2, off, grad, off, m2, off, v2, off, n, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, l2,
                        decay, 0.003f, 0.0447f);
                String what = "n=" + n + " decoupled=" + decoupled;
                assertArrayEquals(p, p2, what + " param");
                assertArrayEquals(m, m2, what + " exp_avg");
                assertArrayEquals(v, v2, what + " exp_avg_sq");
            }
        }
    }

    @Test
    void sgdSimdMatchesScalarBitForBit() {
        Generator g = new Generator(12);
        for (int n : LENGTHS) {
            for (int variant = 0; variant < 6; variant++) {
                boolean withMomentum = variant > 0, nesterov = variant >= 4, firstStep = variant % 2 == 1;
                float wd = variant == 2 ? 0f : 0.01f;
                float[] p = randn(g, n + 1, 1f), grad = randn(g, n + 1, 0.5f), buf = randn(g, n + 1, 0.2f);
                float[] p2 = p.clone(), buf2 = buf.clone();
                scalar.sgdUpdate(p, 1, grad, 1, withMomentum ? buf : null, 1, n, 0.1f, 0.9f, 0.75f, nesterov, wd, firstStep);
                simd.sgdUpdate(p2, 1, grad, 1, withMomentum ? buf2 : null, 1, n, 0.1f, 0.9f, 0.75f, nesterov, wd, firstStep);
                String what = "n=" + n + " variant=" + variant;
                assertArrayEquals(p, p2, what + " param");
                assertArrayEquals(buf, buf2, what + " momentum buffer");
            }
        }
    }

    // ---- backends against the formulas --------------------------------------------------------------------

    /** Adam/AdamW in double, straight from the PyTorch documentation. */
    private static void adamReference(double[] p, float[] g, double[] m, double[] v, double lr, double b1, double b2,
                                      double eps, double wd, boolean decoupled, long step) {
        for (int i = 0; i < p.length; i++) {
            double gi = g[i];
            if (!decoupled) gi += wd * p[i];
            else p[i] *= 1 - lr * wd;
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            double mHat = m[i] / (1 - Math.pow(b1, step)), vHat = v[i] / (1 - Math.pow(b2, step));
            p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static void assertClose(double[] ref, float[] actual, double tol, String what) {
        double diff = 0, norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (actual[i] - ref[i]) * (actual[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        double rel = Math.sqrt(diff / norm);
        assertTrue(rel < tol, what + ": relative error " + rel + " >= " + tol);
    }

    @Test
    void adamBackendsFollowTheFormulaOverSeveralSteps() {
        for (Backend backend : new Backend[] {CpuBackend.scalar(), CpuBackend.simd()}) {
            for (boolean decoupled : new boolean[] {true, false}) {
                // 40 000 elements: above the threading grain, so the run is split across threads
                int n = 40_000;
                Generator g = new Generator(21);
                float[] p0 = randn(g, n, 1f);
                NDArray p = backend.fromHost(p0.clone(), new int[] {200, 200});
                NDArray m = backend.fromHost(new float[n], new int[] {200, 200});
                NDArray v = backend.fromHost(new float[n], new int[] {200, 200});
                double[] pr = toDouble(p0), mr = new double[n], vr = new double[n];
                for (int step = 1; step <= 3; step++) {
                    float[] grad = randn(g, n, 0.3f);
                    backend.adamUpdate(p, backend.fromHost(grad, new int[] {200, 200}), m, v, 1e-2, 0.9, 0.95, 1e-8,
                            0.1, decoupled, step);
                    adamReference(pr, grad, mr, vr, 1e-2, 0.9, 0.95, 1e-8, 0.1, decoupled, step);
                }
                String what = backend.name() + " decoupled=" + decoupled;
                assertClose(pr, p.toFloatArray(), 1e-6, what + " param");
                assertClose(mr, m.toFloatArray(), 1e-6, what + " exp_avg");
                assertClose(vr, v.toFloatArray(), 1e-6, what + " exp_avg_sq");
            }
        }
    }

    @Test
    void sgdBackendsFollowTheFormula() {
        for (Backend backend : new Backend[] {CpuBackend.scalar(), CpuBackend.simd()}) {
            for (boolean nesterov : new boolean[] {false, true}) {
                int n = 257;
                double lr = 0.05, mom = 0.9, damp = nesterov ? 0 : 0.3, wd = 0.01;
                Generator g = new Generator(22);
                float[] p0 = randn(g, n, 1f);
                NDArray p = backend.fromHost(p0.clone(), new int[] {n});
                NDArray buf = backend.fromHost(new float[n], new int[] {n});
                double[] pr = toDouble(p0), br = new double[n];
                for (int step = 1; step <= 3; step++) {
                    float[] grad = randn(g, n, 0.3f);
                    backend.sgdUpdate(p, backend.fromHost(grad, new int[] {n}), buf, lr, mom, damp, nesterov, wd, step == 1);
                    for (int i = 0; i < n; i++) {
                        double d = grad[i] + wd * pr[i];
                        br[i] = step == 1 ? d : mom * br[i] + (1 - damp) * d;
                        d = nesterov ? d + mom * br[i] : br[i];
                        pr[i] -= lr * d;
                    }
                }
                assertClose(pr, p.toFloatArray(), 1e-6, backend.name() + " nesterov=" + nesterov + " param");
                assertClose(br, buf.toFloatArray(), 1e-6, backend.name() + " nesterov=" + nesterov + " buffer");
            }
        }
    }

    @Test
    void plainSgdNeedsNoBuffer() {
        Backend backend = CpuBackend.simd();
        NDArray p = backend.fromHost(new float[] {1f, 2f, 3f}, new int[] {3});
        NDArray grad = backend.fromHost(new float[] {0.5f, -1f, 2f}, new int[] {3});
        backend.sgdUpdate(p, grad, null, 0.1, 0, 0, false, 0, true);
        assertArrayEquals(new float[] {0.95f, 2.1f, 2.8f}, p.toFloatArray(), 1e-6f);
    }

    @Test
    void stridedAndOffsetViewsUpdateInPlace() {
        // the parameter is a transposed view inside a bigger array; the state is contiguous: mixed layouts
        // go through contiguous copies and must land back in the viewed elements only
        for (Backend backend : new Backend[] {CpuBackend.scalar(), CpuBackend.simd()}) {
            Generator g = new Generator(23);
            float[] big = randn(g, 2 + 6 * 5, 1f);
            NDArray storage = backend.fromHost(big.clone(), new int[] {big.length});
            NDArray param = storage.narrow(0, 2, 30).view(6, 5).transpose(0, 1); // (5, 6), strided
            NDArray expected = param.copy();
            NDArray grad = backend.fromHost(randn(g, 30, 0.5f), new int[] {5, 6});
            NDArray m = backend.fromHost(new float[30], new int[] {5, 6});
            NDArray v = backend.fromHost(new float[30], new int[] {5, 6});
            NDArray em = m.copy(), ev = v.copy();
            backend.adamUpdate(param, grad, m, v, 0.01, 0.9, 0.999, 1e-8, 0.01, true, 1);
            backend.adamUpdate(expected, grad, em, ev, 0.01, 0.9, 0.999, 1e-8, 0.01, true, 1);
            assertArrayEquals(expected.toFloatArray(), param.toFloatArray(), backend.name());
            assertArrayEquals(em.toFloatArray(), m.toFloatArray());
            assertArrayEquals(ev.toFloatArray(), v.toFloatArray());
            float[] after = storage.toFloatArray();
            assertEquals(big[0], after[0], "elements before the view stay untouched");
            assertEquals(big[1], after[1], "elements before the view stay untouched");
            assertTrue(!Arrays.equals(big, after), "the viewed elements changed");
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Backend backend = CpuBackend.simd();
        NDArray p = NDArray.zeros(2, 3), g = NDArray.zeros(3, 2), m = NDArray.zeros(2, 3), v = NDArray.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> backend.adamUpdate(p, g, m, v, 0.1, 0.9, 0.999, 1e-8, 0, true, 1));
        assertTrue(e.getMessage().contains(Shape.str(new int[] {3, 2})), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> backend.adamUpdate(p, NDArray.zeros(2, 3), m, v, 0.1, 0.9, 0.999, 1e-8, 0, true, 0));
        assertTrue(e.getMessage().contains("step"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> backend.sgdUpdate(p, NDArray.zeros(2, 3), null, 0.1, 0.9, 0, false, 0, true));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
    }
}
