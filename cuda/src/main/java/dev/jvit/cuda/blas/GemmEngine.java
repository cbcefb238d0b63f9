package dev.jvit.cuda.blas;

import dev.jvit.cuda.Ptr;

/**
 * A batched single-precision GEMM on the device: for z in [0, batch), C[z] (M, N), contiguous, =
 * A[z] (M, K) · B[z] (K, N), where A[z] starts z·aBatch elements after a (0 repeats one matrix), and its
 * element (i, k) is at i·aRow + k·aCol; likewise B. Two implementations: cuBLAS, and jvit's own kernels
 * for when cuBLAS cannot be loaded.
 */
public interface GemmEngine extends AutoCloseable {

    String name();

    /** Whether this engine reads a (rows, cols) operand with these strides in place (else copy it first). */
    boolean readsInPlace(int rows, int cols, int rowStride, int colStride);

    void sgemm(int m, int n, int k, Ptr a, int aRow, int aCol, long aBatch, Ptr b, int bRow, int bCol,
               long bBatch, Ptr c, long cBatch, int batch);

    @Override
    default void close() {}
}
