package dev.jvit.core.cpu;

/**
 * The reference matrix multiply: the textbook triple loop over the general strides of {@link Gemm}, one
 * float dot product per output element, single-threaded. It is what {@link PackedGemm} is compared
 * against in the tests and the baseline row of the benchmarks; keep it obviously correct, not fast.
 */
public final class ScalarGemm implements Gemm {

    @Override
    public String name() {
        return "ScalarGemm";
    }

    @Override
    public void sgemm(int m, int n, int k,
                      float[] a, int aOff, int aRowStride, int aColStride,
                      float[] b, int bOff, int bRowStride, int bColStride,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        GemmChecks.check(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOff + i * aRowStride + p * aColStride] * b[bOff + p * bRowStride + j * bColStride];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }
}
