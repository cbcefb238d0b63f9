package dev.jvit.core.cpu;

import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CpuBackend.linear (bias fused into the GEMM) against matmul + add, scalar and SIMD, plain and strided. */
class LinearConformanceTest {

    private static NDArray randn(Random r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return NDArray.of(a, shape);
    }

    @Test
    void fusedBiasEqualsMatmulPlusAdd() {
        Random r = new Random(3);
        NDArray x = randn(r, 301, 37), w = randn(r, 19, 37), b = randn(r, 19);
        NDArray xt = randn(r, 37, 301).mT(), wt = randn(r, 37, 19).mT(); // column-major views
        for (CpuBackend be : new CpuBackend[] {CpuBackend.scalar(), CpuBackend.simd()}) {
            for (NDArray[] xw : new NDArray[][] {{x, w}, {xt, wt}}) {
                float[] ref = CpuBackend.scalar().matmul(xw[0], xw[1].mT()).add(b).toFloatArray();
                assertArrayEquals(ref, be.linear(xw[0], xw[1], b).toFloatArray(), 1e-4f, be.name() + " with bias");
                float[] noBias = CpuBackend.scalar().matmul(xw[0], xw[1].mT()).toFloatArray();
                assertArrayEquals(noBias, be.linear(xw[0], xw[1], null).toFloatArray(), 1e-4f, be.name() + " without bias");
            }
        }
    }

    @Test
    void shapesAreChecked() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CpuBackend.simd().linear(NDArray.zeros(4, 5), NDArray.zeros(3, 6), null));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("weight"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.simd().linear(NDArray.zeros(4, 5), NDArray.zeros(3, 5), NDArray.zeros(4)));
    }
}
