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

    /**
     * C = A B + bias, the bias row added to every row of C (bias[biasOff + j] to column j): a Linear layer's
     * forward. The default fills C's rows with the bias and accumulates the product onto them; an implementation
     * may start C's blocks from the bias wherever it likes, but must give the same bits as the default (each
     * element is the product's sum plus its bias, added last).
     */
    default void sgemmBias(int m, int n, int k,
                           float[] a, int aOff, int aRowStride, int aColStride,
                           float[] b, int bOff, int bRowStride, int bColStride,
                           float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        GemmChecks.check(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc);
        GemmChecks.checkBias(bias, biasOff, n);
        for (int i = 0; i < m; i++) System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
        sgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, true);
    }

    /**
     * count independent products of one shape and one set of strides, matrix i reading A at aOffs[i], B at
     * bOffs[i] and writing C at cOffs[i] (the attention heads of a batch). Equal entries in bOffs mean a B
     * shared by the batch, which an implementation may pack once. Every matrix is computed by one sgemm-like
     * call on its own, so its result is bitwise what a single sgemm gives. Every matrix is checked before any
     * is written. The default runs them in turn.
     */
    default void sgemmBatch(int count, int m, int n, int k,
                            float[] a, int[] aOffs, int aRowStride, int aColStride,
                            float[] b, int[] bOffs, int bRowStride, int bColStride,
                            float[] c, int[] cOffs, int ldc, boolean accumulate) {
        GemmChecks.checkBatch(count, aOffs, bOffs, cOffs);
        for (int i = 0; i < count; i++) {
            GemmChecks.check(m, n, k, a, aOffs[i], aRowStride, aColStride, b, bOffs[i], bRowStride, bColStride,
                    c, cOffs[i], ldc);
        }
        for (int i = 0; i < count; i++) {
            sgemm(m, n, k, a, aOffs[i], aRowStride, aColStride, b, bOffs[i], bRowStride, bColStride,
                    c, cOffs[i], ldc, accumulate);
        }
    }
}
