package dev.jvit.cuda.blas;

/**
 * The row-major trick, in one place. jvit's matrices are row-major: C (M, N) = A (M, K) · B (K, N), with A
 * read through element strides (aRow, aCol) and B through (bRow, bCol), C contiguous. cuBLAS is column-
 * major: it reads an array with leading dimension ld as X(i, j) = X[i + j·ld]. A row-major matrix with
 * row stride ld, read that way, is its own transpose; so cuBLAS, asked for the column-major product
 * <pre>
 *     Cᵀ (N, M) = Bᵀ (N, K) · Aᵀ (K, M)       i.e. cublasSgemm(opB, opA, N, M, K, B, ldb, A, lda, C, N)
 * </pre>
 * writes exactly the row-major C, with no copies. The operands swap places (B first), and each needs a
 * transpose flag only when it is itself a transposed view:
 * <ul>
 *   <li>B row-major (bCol = 1): its column-major reading is already Bᵀ, op N, ldb = bRow;</li>
 *   <li>B a transposed view (bRow = 1): its column-major reading (ld = bCol) is B, so op T;</li>
 *   <li>likewise A: aCol = 1 gives op N with lda = aRow; aRow = 1 gives op T with lda = aCol.</li>
 * </ul>
 * A leading dimension must be at least the number of rows cuBLAS sees (and at least 1); a stride that does
 * not matter (the matrix has one row or column along it) is replaced by the smallest legal value. An operand
 * strided along both dimensions (a stepped slice, a broadcast row) fits neither reading: {@link #plan}
 * returns null, and the caller copies it to a contiguous matrix first.
 *
 * @param transFirst  cuBLAS op of the first operand (our B): 0 = N, 1 = T
 * @param transSecond cuBLAS op of the second operand (our A)
 * @param m           cuBLAS m = our N
 * @param n           cuBLAS n = our M
 * @param k           K
 * @param ldFirst     leading dimension of B as cuBLAS reads it
 * @param ldSecond    leading dimension of A as cuBLAS reads it
 * @param ldc         N
 */
public record GemmCall(int transFirst, int transSecond, int m, int n, int k, int ldFirst, int ldSecond, int ldc) {
    public static final int OP_N = 0;
    public static final int OP_T = 1;

    /** One operand as cuBLAS reads it: its op and leading dimension. */
    record Operand(int op, int ld) {}

    /** The cuBLAS parameters for row-major C = A·B, or null when A or B must be copied first. */
    public static GemmCall plan(int mRows, int nCols, int kInner, int aRow, int aCol, int bRow, int bCol) {
        // Bᵀ is (N, K) column-major: op N when B's elements run along N (its rows are the ld)
        Operand first = operand(nCols, kInner, bCol, bRow);
        // Aᵀ is (K, M) column-major: op N when A's elements run along K
        Operand second = operand(kInner, mRows, aCol, aRow);
        if (first == null || second == null) return null;
        return new GemmCall(first.op, second.op, nCols, mRows, kInner, first.ld, second.ld, Math.max(1, nCols));
    }

    /**
     * An operand whose transpose cuBLAS must see as a column-major (rows, cols) matrix, where the element
     * (r, c) of that matrix sits at {@code r * innerStride + c * outerStride} in memory.
     */
    static Operand operand(int rows, int cols, int innerStride, int outerStride) {
        // op N: column-major with ld = outerStride needs unit stride down a column
        if (innerStride == 1 || rows == 1) {
            int ld = cols == 1 ? Math.max(1, rows) : outerStride;
            if (ld >= Math.max(1, rows)) return new Operand(OP_N, ld);
        }
        // op T: the memory holds the (cols, rows) matrix column-major with ld = innerStride
        if (outerStride == 1 || cols == 1) {
            int ld = rows == 1 ? Math.max(1, cols) : innerStride;
            if (ld >= Math.max(1, cols)) return new Operand(OP_T, ld);
        }
        return null;
    }
}
