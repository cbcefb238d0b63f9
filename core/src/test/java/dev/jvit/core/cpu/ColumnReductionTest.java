package dev.jvit.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.ReduceOp;
import org.junit.jupiter.api.Test;

/**
 * Reductions that keep the innermost dimension (bias gradients: thousands of rows of a few columns), which
 * the CPU backend folds in fixed pieces of rows over threads: every thread count gives the same bits, and the
 * sums match a double-precision reference.
 */
class ColumnReductionTest {

    /** Column sums of a contiguous (rows, cols) matrix in double precision. */
    private static double[] columnSums(NDArray x) {
        int rows = x.size(0), cols = x.size(1);
        float[] v = x.contiguous().toFloatArray();
        double[] s = new double[cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) s[j] += v[i * cols + j];
        return s;
    }

    @Test
    void columnSumsAreExactAcrossThreadCountsAndMatchDoubles() {
        int before = Parallel.threads();
        Generator r = new Generator(3);
        // bias-gradient shapes, odd widths, and a view whose columns are every other float
        NDArray[] inputs = {NDArray.randn(r, 6400, 8), NDArray.randn(r, 3001, 37), NDArray.randn(r, 1025, 3),
                NDArray.randn(r, 7000, 10).slice(1, 0, 10, 2)};
        try {
            for (Backend be : new Backend[] {CpuBackend.simd(), CpuBackend.scalar()}) {
                for (NDArray x : inputs) {
                    Parallel.setThreads(1);
                    float[] one = be.reduce(ReduceOp.SUM, x, new int[] {0}, false).toFloatArray();
                    float[] max1 = be.reduce(ReduceOp.MAX, x, new int[] {0}, false).toFloatArray();
                    Parallel.setThreads(4);
                    float[] four = be.reduce(ReduceOp.SUM, x, new int[] {0}, false).toFloatArray();
                    assertArrayEquals(one, four, 0f, be.name() + " " + x);
                    assertArrayEquals(max1, be.reduce(ReduceOp.MAX, x, new int[] {0}, false).toFloatArray(), 0f);
                    double[] want = columnSums(x);
                    for (int j = 0; j < want.length; j++) {
                        assertEquals(want[j], four[j], 1e-5 * x.size(0), be.name() + " column " + j + " of " + x);
                    }
                }
            }
            // three dims, two of them reduced and not mergeable (a narrowed middle dimension): the pieces of
            // 1024 rows cross from one run of the reduced plan to the next
            NDArray x = NDArray.randn(r, 6, 700, 12).narrow(1, 0, 600);
            Parallel.setThreads(1);
            float[] one = CpuBackend.simd().reduce(ReduceOp.SUM, x, new int[] {0, 1}, false).toFloatArray();
            Parallel.setThreads(4);
            float[] four = CpuBackend.simd().reduce(ReduceOp.SUM, x, new int[] {0, 1}, false).toFloatArray();
            assertArrayEquals(one, four, 0f);
            double[] want = columnSums(x.contiguous().reshape(3600, 12));
            for (int j = 0; j < 12; j++) assertEquals(want[j], one[j], 1e-5 * 3600, "3-D column " + j);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
