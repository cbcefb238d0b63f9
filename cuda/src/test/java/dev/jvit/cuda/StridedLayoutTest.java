package dev.jvit.cuda;

import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Collapsing iteration spaces and packing the kernels' Layout struct. */
class StridedLayoutTest {

    @Test
    void contiguousOperandsCollapseToOneDimension() {
        StridedLayout l = StridedLayout.of(new int[] {4, 6, 35}, new int[] {210, 35, 1}, new int[] {210, 35, 1});
        assertEquals(1, l.rank());
        assertArrayEquals(new int[] {840}, l.shape());
        assertEquals(1, l.stride(1, 0));
    }

    @Test
    void broadcastScalarCollapsesWithStrideZero() {
        StridedLayout l = StridedLayout.of(new int[] {4, 6}, new int[] {6, 1}, new int[] {0, 0});
        assertEquals(1, l.rank());
        assertEquals(0, l.stride(1, 0));
    }

    @Test
    void sizeOneDimensionsDropAndTransposesStay() {
        NDArray x = NDArray.zeros(3, 1, 5).permute(2, 1, 0); // (5, 1, 3), strides (1, 5, 5)
        int[] shape = x.shape();
        StridedLayout l = StridedLayout.of(shape, new int[] {3, 3, 1}, x.strides());
        assertArrayEquals(new int[] {5, 3}, l.shape());
        assertEquals(1, l.stride(1, 0));
        assertEquals(5, l.stride(1, 1));
    }

    @Test
    void broadcastStridesAlignFromTheRight() {
        NDArray bias = NDArray.zeros(6);
        assertArrayEquals(new int[] {0, 0, 1}, StridedLayout.broadcastStrides(bias, new int[] {2, 4, 6}));
        NDArray col = NDArray.zeros(4, 1);
        assertArrayEquals(new int[] {0, 1, 0}, StridedLayout.broadcastStrides(col, new int[] {2, 4, 6}));
    }

    /** The kernel's walk (layoutOffsets in common.cuh), replayed in Java, visits every element once. */
    @Test
    void packedLayoutWalksLikeTheKernel() {
        NDArray x = NDArray.zeros(5, 6, 72).slice(0, 1, 5, 1).slice(2, 1, 71, 2); // (4, 6, 35), strided
        int[] shape = x.shape();
        StridedLayout l = StridedLayout.of(shape, new int[] {210, 35, 1}, x.strides());
        int[] p = l.pack();
        assertEquals(StridedLayout.PACKED_INTS, p.length);
        int rank = p[0];
        int[] seen = new int[840];
        for (int i = 0; i < 840; i++) {
            int rest = i, o0 = 0, o1 = 0;
            for (int d = rank - 1; d >= 0; d--) {
                int size = p[1 + d], c = rest % size;
                rest /= size;
                o0 += c * p[1 + 8 + d];
                o1 += c * p[1 + 16 + d];
            }
            seen[o0]++;
            // the output offset's (i, j, k) read from x must be x's element (i, j, k)
            int ii = o0 / 210, jj = o0 / 35 % 6, kk = o0 % 35;
            assertEquals(x.offset() + ii * x.stride(0) + jj * x.stride(1) + kk * x.stride(2), x.offset() + o1);
        }
        for (int c : seen) assertEquals(1, c);
    }

    @Test
    void rankAboveEightSplitsIntoOuterOffsets() {
        int[] shape = new int[10];
        Arrays.fill(shape, 2);
        int[] contiguous = new int[10], transposed = new int[10];
        for (int d = 0; d < 10; d++) {
            contiguous[d] = 1 << (9 - d);
            transposed[d] = 1 << d;
        }
        StridedLayout l = StridedLayout.of(shape, contiguous, transposed);
        assertEquals(10, l.rank());
        assertThrows(IllegalStateException.class, l::pack);
        StridedLayout inner = l.inner(2);
        assertEquals(8, inner.rank());
        inner.pack();
        assertEquals(3 * 256, l.outerOffset(0, 3, 2));
        assertEquals(3, l.outerOffset(1, 3, 2)); // index 3 = (1, 1): 1*1 + 1*2
    }
}
