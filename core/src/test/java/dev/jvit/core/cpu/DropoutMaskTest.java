package dev.jvit.core.cpu;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's fused dropout mask: values, keep rate, reproducibility and layout. */
class DropoutMaskTest {

    private static float[] mask(Backend be, float p, long seed, int... shape) {
        NDArray m = NDArray.zeros(shape);
        be.dropoutMask(m, p, new Generator(seed));
        return m.toFloatArray();
    }

    @Test
    void valuesAreZeroOrTheInverseKeepRateAndTheRateIsRight() {
        for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
            float[] m = mask(CpuBackend.simd(), p, 11, 3, 70_001); // odd length, several threads' worth
            int kept = 0;
            for (float v : m) {
                assertTrue(v == 0f || v == 1f / (1f - p), "value " + v + " at p=" + p);
                if (v != 0f) kept++;
            }
            double keep = (double) kept / m.length, sd = Math.sqrt(p * (1 - p) / m.length);
            assertEquals(1 - p, keep, 5 * sd + 1e-9, "keep rate at p=" + p);
        }
    }

    @Test
    void theMaskDependsOnTheSeedOnlyNotOnThreadsOrKernels() {
        float[] ref = mask(CpuBackend.simd(), 0.3f, 7, 5, 40_003);
        assertArrayEquals(ref, mask(CpuBackend.scalar(), 0.3f, 7, 5, 40_003));
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            assertArrayEquals(ref, mask(CpuBackend.simd(), 0.3f, 7, 5, 40_003));
        } finally {
            Parallel.setThreads(threads);
        }
        float[] other = mask(CpuBackend.simd(), 0.3f, 8, 5, 40_003);
        assertTrue(!java.util.Arrays.equals(ref, other), "another seed gives another mask");
    }

    @Test
    void neighbouringElementsAndSuccessiveDrawsAreIndependent() {
        float p = 0.5f;
        Generator g = new Generator(5);
        int n = 200_000;
        NDArray first = NDArray.zeros(n), second = NDArray.zeros(n);
        CpuBackend.simd().dropoutMask(first, p, g);
        CpuBackend.simd().dropoutMask(second, p, g); // the next draw of the same generator
        float[] a = first.toFloatArray(), b = second.toFloatArray();
        int neighbours = 0, draws = 0;
        for (int i = 0; i + 1 < n; i++) if (a[i] != 0f && a[i + 1] != 0f) neighbours++;
        for (int i = 0; i < n; i++) if (a[i] != 0f && b[i] != 0f) draws++;
        double both = (1 - p) * (1 - p), sd = Math.sqrt(both * (1 - both) / n);
        assertEquals(both, (double) neighbours / (n - 1), 5 * sd, "neighbours kept together");
        assertEquals(both, (double) draws / n, 5 * sd, "the same element kept in two draws");
    }

    @Test
    void fusedDropoutIsXTimesTheMaskOfTheSameSeed() {
        java.util.Random r = new java.util.Random(3);
        float[] v = new float[7 * 1001];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        NDArray x = NDArray.of(v, 7, 1001);
        for (Backend be : new Backend[] {CpuBackend.scalar(), CpuBackend.simd()}) {
            for (NDArray in : new NDArray[] {x, x.transpose(0, 1)}) { // contiguous, and a strided view
                NDArray mask = NDArray.zeros(in.shape());
                be.dropoutMask(mask, 0.2f, new Generator(99));
                assertArrayEquals(in.mul(mask).toFloatArray(), be.dropout(in, 0.2f, 99).toFloatArray(), be.name());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.simd().dropout(x, 1f, 1));
    }

    @Test
    void stridedDestinationGetsTheMaskInRowMajorOrder() {
        NDArray view = NDArray.zeros(40, 30).transpose(0, 1); // (30, 40), not contiguous
        CpuBackend.simd().dropoutMask(view, 0.3f, new Generator(3));
        assertArrayEquals(mask(CpuBackend.simd(), 0.3f, 3, 30, 40), view.contiguous().toFloatArray());
    }

    @Test
    void probabilityOutsideTheRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.simd().dropoutMask(NDArray.zeros(4), 1f, new Generator(1)));
    }
}
