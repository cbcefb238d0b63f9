package dev.jvit.core.cpu;

/**
 * Argument checks shared by the {@link Gemm} implementations: sizes, the C layout, and that every element
 * the strides reach lies inside its array. Checking once up front lets the kernels run without surprises
 * and turns a bad view into a message naming the operand instead of an index deep inside a micro-kernel.
 */
final class GemmChecks {
    private GemmChecks() {}

    static void check(int m, int n, int k,
                      float[] a, int aOff, int aRowStride, int aColStride,
                      float[] b, int bOff, int bRowStride, int bColStride,
                      float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        if (m > 1 && ldc < n) {
            throw new IllegalArgumentException("sgemm ldc=" + ldc + " is smaller than n=" + n + ": rows of C would overlap");
        }
        if (m == 0 || n == 0) return;
        span("C", c, cOff, m, ldc, n, 1);
        if (k == 0) return;
        span("A", a, aOff, m, aRowStride, k, aColStride);
        span("B", b, bOff, k, bRowStride, n, bColStride);
    }

    /** The bias of {@link Gemm#sgemmBias}: n values from biasOff. */
    static void checkBias(float[] bias, int biasOff, int n) {
        if (bias == null) throw new IllegalArgumentException("sgemmBias needs a bias, got null");
        if (n > 0 && (biasOff < 0 || (long) biasOff + n > bias.length)) {
            throw new IllegalArgumentException("sgemmBias bias of " + n + " values from offset " + biasOff
                    + " lies outside its array of length " + bias.length);
        }
    }

    /** A batch needs a count >= 0 and an offset for every matrix in each operand. */
    static void checkBatch(int count, int[] aOffs, int[] bOffs, int[] cOffs) {
        if (count < 0) throw new IllegalArgumentException("sgemmBatch count must be >= 0, got " + count);
        offsets("A", aOffs, count);
        offsets("B", bOffs, count);
        offsets("C", cOffs, count);
    }

    private static void offsets(String what, int[] offs, int count) {
        if (offs == null || offs.length < count) {
            throw new IllegalArgumentException("sgemmBatch needs " + count + " offsets for operand " + what + ", got "
                    + (offs == null ? "null" : offs.length));
        }
    }

    /** Fails unless off + i*rowStride + j*colStride stays inside x for all i < rows, j < cols (both >= 1). */
    private static void span(String what, float[] x, int off, int rows, int rowStride, int cols, int colStride) {
        if (x == null) throw new IllegalArgumentException("sgemm operand " + what + " is null");
        long lastRow = (long) (rows - 1) * rowStride, lastCol = (long) (cols - 1) * colStride;
        long lo = off + Math.min(0, lastRow) + Math.min(0, lastCol);
        long hi = off + Math.max(0, lastRow) + Math.max(0, lastCol);
        if (lo < 0 || hi >= x.length) {
            throw new IllegalArgumentException("sgemm operand " + what + " (" + rows + "x" + cols + ", offset " + off
                    + ", strides " + rowStride + "," + colStride + ") reaches index " + (lo < 0 ? lo : hi)
                    + " outside its array of length " + x.length);
        }
    }
}
