package dev.jvit.core.cpu;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.BinaryOp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused dropout mask is bit for bit the three-pass composition it replaces (uniform, >= p, * 1/(1-p)). */
class DropoutMaskTest {

    private static float[] composed(Backend be, int[] shape, float p, long seed) {
        NDArray u = NDArray.zeros(shape);
        be.uniform(u, 0f, 1f, new Generator(seed));
        return u.binary(BinaryOp.GE, p).mul(1f / (1f - p)).toFloatArray();
    }

    @Test
    void fusedMaskEqualsTheComposition() {
        for (Backend be : new Backend[] {CpuBackend.scalar(), CpuBackend.simd()}) {
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
                int[] shape = {3, 70_001}; // big enough to split across threads, odd length
                NDArray mask = NDArray.zeros(shape);
                be.dropoutMask(mask, p, new Generator(11));
                assertArrayEquals(composed(be, shape, p, 11), mask.toFloatArray(), be.name() + " p=" + p);
            }
        }
    }

    @Test
    void stridedDestinationGetsTheSameMaskInRowMajorOrder() {
        NDArray base = NDArray.zeros(40, 30);
        NDArray view = base.transpose(0, 1); // (30, 40), not contiguous
        CpuBackend.simd().dropoutMask(view, 0.3f, new Generator(3));
        assertArrayEquals(composed(CpuBackend.simd(), new int[] {30, 40}, 0.3f, 3), view.contiguous().toFloatArray());
        float kept = 0;
        for (float v : view.contiguous().toFloatArray()) kept += v == 0f ? 0 : 1;
        assertEquals(0.7, kept / 1200, 0.06);
    }
}
