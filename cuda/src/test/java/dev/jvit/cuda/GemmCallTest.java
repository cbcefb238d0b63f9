package dev.jvit.cuda;

import dev.jvit.cuda.blas.GemmCall;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row-major to column-major mapping of cuBLAS calls, checked without a GPU: the planned call is run
 * through a plain Java implementation of column-major SGEMM as BLAS defines it, and must give the row-major
 * product of the strided operands.
 */
class GemmCallTest {

    /** BLAS sgemm: C = op(X)·op(Y), column-major, C (m, n), with the argument checks cuBLAS makes. */
    private static float[] columnMajorSgemm(int opX, int opY, int m, int n, int k, float[] x, int xOff, int ldx,
                                            float[] y, int yOff, int ldy, int ldc) {
        assertTrue(ldx >= Math.max(1, opX == GemmCall.OP_N ? m : k), "ldx " + ldx);
        assertTrue(ldy >= Math.max(1, opY == GemmCall.OP_N ? k : n), "ldy " + ldy);
        assertTrue(ldc >= Math.max(1, m), "ldc " + ldc);
        float[] c = new float[ldc * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float s = 0;
                for (int l = 0; l < k; l++) {
                    float a = opX == GemmCall.OP_N ? x[xOff + i + l * ldx] : x[xOff + l + i * ldx];
                    float b = opY == GemmCall.OP_N ? y[yOff + l + j * ldy] : y[yOff + j + l * ldy];
                    s += a * b;
                }
                c[i + j * ldc] = s;
            }
        }
        return c;
    }

    private static void check(int mm, int nn, int kk, int aRow, int aCol, int bRow, int bCol, Random r) {
        int aSpan = 1 + Math.max(0, (mm - 1) * aRow) + Math.max(0, (kk - 1) * aCol);
        int bSpan = 1 + Math.max(0, (kk - 1) * bRow) + Math.max(0, (nn - 1) * bCol);
        float[] a = new float[aSpan + 3], b = new float[bSpan + 3];
        for (int i = 0; i < a.length; i++) a[i] = r.nextInt(9) - 4;
        for (int i = 0; i < b.length; i++) b[i] = r.nextInt(9) - 4;
        int aOff = 2, bOff = 1;
        GemmCall g = GemmCall.plan(mm, nn, kk, aRow, aCol, bRow, bCol);
        String what = "M" + mm + " N" + nn + " K" + kk + " a(" + aRow + "," + aCol + ") b(" + bRow + "," + bCol + ")";
        assertNotNull(g, what);
        assertEquals(nn, g.m());
        assertEquals(mm, g.n());
        float[] c = columnMajorSgemm(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), b, bOff, g.ldFirst(),
                a, aOff, g.ldSecond(), g.ldc());
        for (int i = 0; i < mm; i++) {
            for (int j = 0; j < nn; j++) {
                float s = 0;
                for (int l = 0; l < kk; l++) s += a[aOff + i * aRow + l * aCol] * b[bOff + l * bRow + j * bCol];
                assertEquals(s, c[i * nn + j], what + " at (" + i + "," + j + ")"); // row-major C, ldc = N
            }
        }
    }

    @Test
    void rowMajorAndTransposedViewsMapToOneCallWithoutCopies() {
        Random r = new Random(7);
        int[] sizes = {1, 2, 5, 7};
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : sizes) {
                    for (int pad : new int[] {0, 3}) {
                        check(m, n, k, k + pad, 1, n + pad, 1, r);   // both row-major (padded rows: a slice)
                        check(m, n, k, 1, m + pad, n + pad, 1, r);   // A a transposed view
                        check(m, n, k, k + pad, 1, 1, k + pad, r);   // B a transposed view (x · Wᵀ)
                        check(m, n, k, 1, m + pad, 1, k + pad, r);   // both transposed
                    }
                }
            }
        }
    }

    @Test
    void transposeFlagsFollowTheViews() {
        GemmCall plain = GemmCall.plan(3, 4, 5, 5, 1, 4, 1);
        assertEquals(new GemmCall(GemmCall.OP_N, GemmCall.OP_N, 4, 3, 5, 4, 5, 4), plain);
        GemmCall linear = GemmCall.plan(3, 4, 5, 5, 1, 1, 5); // x (3,5) · W(4,5)ᵀ
        assertEquals(new GemmCall(GemmCall.OP_T, GemmCall.OP_N, 4, 3, 5, 5, 5, 4), linear);
        GemmCall gradW = GemmCall.plan(4, 5, 3, 1, 4, 5, 1); // dyᵀ (4,3) · x (3,5)
        assertEquals(new GemmCall(GemmCall.OP_N, GemmCall.OP_T, 5, 4, 3, 5, 4, 5), gradW);
    }

    @Test
    void strideThatDoesNotMatterIsNormalised() {
        Random r = new Random(3);
        check(1, 6, 4, 0, 1, 6, 1, r);       // one row of A with a meaningless row stride (an expanded view)
        check(1, 6, 4, 12345, 1, 6, 1, r);
        check(5, 1, 4, 4, 1, 99, 0, r);      // one column of B with a meaningless column stride
        check(3, 4, 1, 1, 0, 0, 1, r);       // K = 1: outer products
    }

    @Test
    void operandsStridedBothWaysNeedACopy() {
        assertNull(GemmCall.plan(3, 4, 5, 10, 2, 4, 1));  // A stepped along K
        assertNull(GemmCall.plan(3, 4, 5, 5, 1, 8, 2));   // B stepped along N
        assertNull(GemmCall.plan(3, 4, 5, 5, 1, 0, 1));   // B's rows broadcast (row stride 0 < N)
    }
}
