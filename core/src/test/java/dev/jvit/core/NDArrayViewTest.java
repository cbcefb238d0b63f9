package dev.jvit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Backends;
import dev.jvit.core.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Movement ops: each must make a view (shared storage, new strides) and read the right elements, and
 * copies must happen only where the layout demands one. Runs on the scalar CPU kernels.
 */
class NDArrayViewTest {
    private static Backend previous;

    @BeforeAll
    static void useScalar() {
        previous = Backends.setCpu(CpuBackend.scalar());
    }

    @AfterAll
    static void restore() {
        Backends.setCpu(previous);
    }

    /** 0, 1, ..., n-1 reshaped. */
    private static NDArray iota(int... shape) {
        float[] v = new float[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return NDArray.of(v, shape);
    }

    private static void assertValues(NDArray x, float... expected) {
        assertArrayEquals(expected, x.toFloatArray(), 0f, x.toString());
    }

    @Test
    void reshapeOfContiguousIsAView() {
        NDArray x = iota(2, 3, 4);
        NDArray y = x.reshape(4, -1);
        assertArrayEquals(new int[] {4, 6}, y.shape());
        assertSame(x.storage(), y.storage());
        assertEquals(5f, y.get(0, 5));
        assertEquals(23f, y.get(3, 5));
        assertArrayEquals(new int[] {24}, x.flatten().shape());
    }

    @Test
    void viewOfTransposeFailsButReshapeCopies() {
        NDArray t = iota(2, 3).transpose(0, 1); // (3,2), strides (1,3)
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.view(6));
        assertTrue(e.getMessage().contains("[3,2]") && e.getMessage().contains("[6]"), e.getMessage());
        NDArray r = t.reshape(6);
        assertNotSame(t.storage(), r.storage());
        assertValues(r, 0, 3, 1, 4, 2, 5);
    }

    @Test
    void viewSplitsAndMergesCompatibleDims() {
        // a (4,6) slice of an (4,8) array: rows are not adjacent, yet each row can be split
        NDArray x = iota(4, 8).narrow(1, 1, 6);
        NDArray v = x.view(4, 2, 3);
        assertSame(x.storage(), v.storage());
        assertArrayEquals(new int[] {8, 3, 1}, v.strides());
        assertEquals(9f + 3f, v.get(1, 1, 0));
        assertThrows(IllegalStateException.class, () -> x.view(24));
        assertValues(x.reshape(24).narrow(0, 5, 3), 6, 9, 10);
    }

    @Test
    void permuteAndTransposeReorderStrides() {
        NDArray x = iota(2, 3, 4);
        NDArray p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertArrayEquals(new int[] {1, 12, 4}, p.strides());
        assertEquals(x.get(1, 2, 3), p.get(3, 1, 2));
        assertFalse(p.isContiguous());
        NDArray c = p.contiguous();
        assertTrue(c.isContiguous());
        assertEquals(x.get(1, 0, 2), c.get(2, 1, 0));
        assertValues(iota(2, 3).mT(), 0, 3, 1, 4, 2, 5);
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
    }

    @Test
    void expandUsesZeroStrides() {
        NDArray x = NDArray.of(new float[] {1, 2, 3}, 3, 1);
        NDArray e = x.expand(2, 3, 4);
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertSame(x.storage(), e.storage());
        assertEquals(2f, e.get(1, 1, 3));
        assertEquals(24, e.toFloatArray().length);
        assertValues(NDArray.scalar(7f).expand(3), 7, 7, 7);
        assertThrows(IllegalArgumentException.class, () -> x.expand(3, 2).expand(4, 3));
    }

    @Test
    void sliceWithStepAndNegativeBounds() {
        NDArray x = iota(10);
        assertValues(x.slice(0, 1, 8, 3), 1, 4, 7);
        assertValues(x.slice(0, -3, 10, 1), 7, 8, 9);
        assertValues(x.slice(0, 8, 2, 1));
        NDArray m = iota(4, 5).slice(1, 0, 5, 2).slice(0, 1, 4, 2); // rows 1,3; cols 0,2,4
        assertArrayEquals(new int[] {2, 3}, m.shape());
        assertArrayEquals(new int[] {10, 2}, m.strides());
        assertValues(m, 5, 7, 9, 15, 17, 19);
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 5, 0));
    }

    @Test
    void narrowAndSelect() {
        NDArray x = iota(3, 4);
        assertValues(x.narrow(1, 1, 2), 1, 2, 5, 6, 9, 10);
        assertValues(x.select(0, -1), 8, 9, 10, 11);
        assertValues(x.select(1, 2), 2, 6, 10);
        assertEquals(11f, x.get(2, 3));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.select(1, 4));
        assertTrue(e.getMessage().contains("index 4") && e.getMessage().contains("[3,4]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> x.narrow(0, 2, 2));
    }

    @Test
    void squeezeAndUnsqueeze() {
        NDArray x = iota(3, 1, 2);
        assertArrayEquals(new int[] {3, 2}, x.squeeze().shape());
        assertArrayEquals(new int[] {3, 2}, x.squeeze(1).shape());
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
        NDArray u = iota(3).unsqueeze(0).unsqueeze(-1);
        assertArrayEquals(new int[] {1, 3, 1}, u.shape());
        assertTrue(u.isContiguous());
        assertValues(u.squeeze(), 0, 1, 2);
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        NDArray x = iota(4, 3);
        assertSame(x, x.contiguous());
        NDArray row = x.select(0, 2);
        assertSame(row, row.contiguous()); // an offset alone keeps it contiguous
        NDArray col = x.select(1, 1);
        NDArray cc = col.contiguous();
        assertNotSame(col.storage(), cc.storage());
        assertValues(cc, 1, 4, 7, 10);
        assertArrayEquals(new int[] {1}, cc.strides());
    }

    /**
     * Patchify's copy: a batch of images cut into p x p patches, whose runs are p floats long (the short-run
     * copy for p up to 16, four floats per move and the rest one by one), on one thread and split over four,
     * plus the same patches read with a transposed inner dimension (a strided run).
     */
    @Test
    void patchifyCopiesOfShortRunsAreExact() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 4}) {
                Parallel.setThreads(threads);
                for (int p : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 17}) {
                    int g = 3, side = g * p, b = 70_000 / (side * side) + 1; // past the parallel grain
                    NDArray x = iota(b, side, side);
                    NDArray patches = x.reshape(b, g, p, g, p).permute(0, 1, 3, 2, 4).contiguous();
                    NDArray flipped = x.reshape(b, g, p, g, p).permute(0, 1, 3, 4, 2).contiguous();
                    float[] got = patches.toFloatArray(), gotT = flipped.toFloatArray();
                    int at = 0;
                    for (int n = 0; n < b; n++)
                        for (int gi = 0; gi < g; gi++)
                            for (int gj = 0; gj < g; gj++)
                                for (int u = 0; u < p; u++)
                                    for (int v = 0; v < p; v++, at++) {
                                        float want = n * side * side + (gi * p + u) * side + gj * p + v;
                                        float wantT = n * side * side + (gi * p + v) * side + gj * p + u;
                                        assertEquals(want, got[at], "p=" + p + " threads=" + threads + " at " + at);
                                        assertEquals(wantT, gotT[at], "p=" + p + " threads=" + threads + " transposed at " + at);
                                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void writesThroughViewsReachTheBase() {
        NDArray x = NDArray.zeros(3, 4);
        x.select(1, 2).fill(5f);                    // a strided column
        x.narrow(0, 0, 1).copyFrom(NDArray.arange(4)); // a row from a broadcast-free source
        x.transpose(0, 1).select(0, 3).addInPlace(NDArray.scalar(1f)); // column 3 through a transpose
        assertValues(x, 0, 1, 2, 4, 0, 0, 5, 1, 0, 0, 5, 1);
    }

    @Test
    void stepSlicedDestinationGetsKernelResults() {
        NDArray x = NDArray.zeros(2, 6);
        NDArray every2nd = x.slice(1, 0, 6, 2); // (2,3) with inner stride 2
        every2nd.copyFrom(iota(2, 3).exp());
        every2nd.binaryInPlace(dev.jvit.core.backend.BinaryOp.MUL, NDArray.scalar(2f));
        float[] v = x.toFloatArray();
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 6; c++) {
                float want = c % 2 == 0 ? 2f * (float) Math.exp(r * 3 + c / 2) : 0f;
                assertEquals(want, v[r * 6 + c], 1e-5f * Math.max(1f, Math.abs(want)), "at " + r + "," + c);
            }
        }
    }
}
