package dev.jvit.cuda.blas;

import dev.jvit.cuda.Ptr;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.runtime.cudaStream_t;

import java.util.function.Function;

/**
 * GEMM through cuBLAS (JCublas2), one handle per context, bound to the context's stream. The row-major to
 * column-major mapping is {@link GemmCall}'s. With {@code -Djvit.cuda.tf32=true} cuBLAS may use TF32
 * tensor cores (10-bit mantissas in the products: faster on Ampere and later, no longer equal to the CPU
 * to float precision); the default is full FP32.
 */
public final class CublasGemm implements GemmEngine {
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    private final cublasHandle handle = new cublasHandle();
    private final Function<Ptr, Pointer> pointers;
    private final boolean tf32;

    /**
     * Creates the handle; throws (UnsatisfiedLinkError when libcublas.so.12 is missing, CudaException on a
     * cuBLAS error) when cuBLAS cannot be used. The context must be current on this thread.
     *
     * @param stream   the context's stream
     * @param pointers turns a device address into a JCuda pointer
     */
    public CublasGemm(cudaStream_t stream, Function<Ptr, Pointer> pointers) {
        this.pointers = pointers;
        JCublas2.setExceptionsEnabled(true);
        JCublas2.cublasCreate(handle);
        JCublas2.cublasSetStream(handle, stream);
        this.tf32 = Boolean.getBoolean("jvit.cuda.tf32");
        JCublas2.cublasSetMathMode(handle, tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH);
    }

    @Override
    public String name() {
        return tf32 ? "cuBLAS (TF32)" : "cuBLAS";
    }

    @Override
    public boolean readsInPlace(int rows, int cols, int rowStride, int colStride) {
        return GemmCall.operand(cols, rows, colStride, rowStride) != null;
    }

    @Override
    public void sgemm(int m, int n, int k, Ptr a, int aRow, int aCol, long aBatch, Ptr b, int bRow, int bCol,
                      long bBatch, Ptr c, long cBatch, int batch) {
        GemmCall g = GemmCall.plan(m, n, k, aRow, aCol, bRow, bCol);
        if (g == null) {
            throw new IllegalArgumentException("cuBLAS cannot read operands with strides (" + aRow + ", " + aCol
                    + ") and (" + bRow + ", " + bCol + ") in place");
        }
        Pointer first = pointers.apply(b), second = pointers.apply(a), out = pointers.apply(c);
        if (batch == 1) {
            JCublas2.cublasSgemm(handle, g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), ONE, first,
                    g.ldFirst(), second, g.ldSecond(), ZERO, out, g.ldc());
        } else {
            JCublas2.cublasSgemmStridedBatched(handle, g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), ONE,
                    first, g.ldFirst(), bBatch, second, g.ldSecond(), aBatch, ZERO, out, g.ldc(), cBatch, batch);
        }
    }

    @Override
    public void close() {
        JCublas2.cublasDestroy(handle);
    }
}
