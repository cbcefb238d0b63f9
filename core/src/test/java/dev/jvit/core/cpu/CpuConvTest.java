package dev.jvit.core.cpu;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.Conv2dGeometry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * im2col against its definition, element by element, for non-square kernels, strides and padding and for a
 * strided (transposed) input; col2im as its adjoint: {@code <im2col(x), y> = <x, col2im(y)>} for random x, y.
 */
class CpuConvTest {
    private static final Backend CPU = CpuBackend.fromSystemProperties();
    private static final Conv2dGeometry[] GEOMETRIES = {
            new Conv2dGeometry(3, 2, 2, 1, 1, 0),
            Conv2dGeometry.square(4, 4, 0),
            Conv2dGeometry.square(3, 1, 2),
            new Conv2dGeometry(1, 3, 3, 2, 0, 1),
    };

    private static NDArray random(long seed, int... shape) {
        return NDArray.randn(new Generator(seed), shape);
    }

    @Test
    void im2colMatchesTheDefinition() {
        for (Conv2dGeometry g : GEOMETRIES) {
            NDArray x = random(1, 2, 3, 8, 7);
            check(x, g);
            check(random(2, 2, 3, 7, 8).transpose(2, 3), g); // strided input
        }
    }

    private static void check(NDArray x, Conv2dGeometry g) {
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = g.outH(h), ow = g.outW(w);
        NDArray cols = CPU.im2col(x, g);
        assertArrayEquals(new int[] {b, oh * ow, c * g.kernelH() * g.kernelW()}, cols.shape());
        for (int n = 0; n < b; n++) for (int y = 0; y < oh; y++) for (int xo = 0; xo < ow; xo++)
            for (int ch = 0; ch < c; ch++) for (int i = 0; i < g.kernelH(); i++) for (int j = 0; j < g.kernelW(); j++) {
                int iy = y * g.strideH() - g.padH() + i, ix = xo * g.strideW() - g.padW() + j;
                float expected = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x.get(n, ch, iy, ix);
                int col = (ch * g.kernelH() + i) * g.kernelW() + j;
                assertEquals(expected, cols.get(n, y * ow + xo, col), g + " at " + n + "," + y + "," + xo + "," + col);
            }
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        for (Conv2dGeometry g : GEOMETRIES) {
            NDArray x = random(3, 2, 3, 9, 6);
            NDArray cols = CPU.im2col(x, g);
            NDArray y = random(4, cols.shape());
            NDArray back = CPU.col2im(y, 3, 9, 6, g);
            assertArrayEquals(x.shape(), back.shape());
            double lhs = dot(cols, y), rhs = dot(x, back);
            assertEquals(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)), g.toString());
        }
    }

    private static double dot(NDArray a, NDArray b) {
        float[] u = a.toFloatArray(), v = b.toFloatArray();
        double s = 0;
        for (int i = 0; i < u.length; i++) s += (double) u[i] * v[i];
        return s;
    }

    @Test
    void geometryRejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.square(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.square(3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.square(3, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.square(5, 1, 0).outH(4));
        assertEquals(4, Conv2dGeometry.square(3, 2, 1).outH(7));
    }
}
