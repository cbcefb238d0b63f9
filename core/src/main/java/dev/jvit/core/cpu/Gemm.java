package dev.jvit.core.cpu;

/**
 * Single-precision matrix multiply on host arrays, the hottest kernel of the engine.
 * <pre>
 *   C[i][j] (+)= sum_p A[i][p] * B[p][j]        i &lt; m, j &lt; n, p &lt; k
 *   A[i][p] = a[aOff + i*aRowStride + p*aColStride]
 *   B[p][j] = b[bOff + p*bRowStride + j*bColStride]
 *   C[i][j] = c[cOff + i*ldc + j]
 * </pre>
 * General strides let a transposed view (aColStride = M, aRowStride = 1) be read in place: packing reads
 * whatever layout it is given, so no operand is ever materialised. Implementations: {@link ScalarGemm} (the
 * reference triple loop) and {@link PackedGemm} (packed panels, cache blocking, register-tiled Vector API
 * micro-kernel, threads through {@link dev.jvit.core.Parallel}).
 */
public interface Gemm {
    String name();

    /** When accumulate is false C is overwritten, else the product is added to it. */
    void sgemm(int m, int n, int k,
               float[] a, int aOff, int aRowStride, int aColStride,
               float[] b, int bOff, int bRowStride, int bColStride,
               float[] c, int cOff, int ldc, boolean accumulate);
}
