package dev.jvit.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.Backend;
import dev.jvit.core.backend.GeluApproximation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's fused GELU-dropout against the two ops it fuses: bitwise equal forward and backward (the
 * same kernels run on L1-sized blocks, with the same mask), for the SIMD and the scalar kernels, odd lengths
 * that end blocks and vectors mid-way, and strided inputs.
 */
class GeluDropoutTest {
    private static final List<int[]> SHAPES = List.of(new int[] {7}, new int[] {3, 5, 7}, new int[] {2, 50, 128},
            new int[] {4099}, new int[] {3, 70_001});

    @Test
    void forwardAndBackwardEqualTheComposedOpsBitwise() {
        Generator g = new Generator(3);
        for (Backend be : List.of(CpuBackend.simd(), CpuBackend.scalar())) {
            for (int[] shape : SHAPES) {
                NDArray x = NDArray.randn(g, shape), dy = NDArray.randn(g, shape);
                for (GeluApproximation a : GeluApproximation.values()) {
                    for (float p : new float[] {0f, 0.1f, 0.5f}) {
                        long seed = 17 + shape.length;
                        String what = be + " " + a + " p=" + p + " shape " + java.util.Arrays.toString(shape);
                        assertArrayEquals(be.dropout(be.gelu(x, a), p, seed).toFloatArray(),
                                be.geluDropout(x, a, p, seed).toFloatArray(), "forward, " + what);
                        assertArrayEquals(be.geluBackward(x, be.dropout(dy, p, seed), a).toFloatArray(),
                                be.geluDropoutBackward(x, dy, a, p, seed).toFloatArray(), "backward, " + what);
                    }
                }
            }
        }
    }

    @Test
    void stridedInputsGiveTheResultsOfTheirContiguousCopies() {
        Generator g = new Generator(4);
        Backend be = CpuBackend.simd();
        NDArray x = NDArray.randn(g, 33, 40).transpose(0, 1), dy = NDArray.randn(g, 40, 66).narrow(1, 0, 33);
        assertTrue(!x.isContiguous() && !dy.isContiguous());
        GeluApproximation a = GeluApproximation.NONE;
        assertArrayEquals(be.geluDropout(x.contiguous(), a, 0.2f, 9).toFloatArray(),
                be.geluDropout(x, a, 0.2f, 9).toFloatArray());
        assertArrayEquals(be.geluDropoutBackward(x.contiguous(), dy.contiguous(), a, 0.2f, 9).toFloatArray(),
                be.geluDropoutBackward(x, dy, a, 0.2f, 9).toFloatArray());
    }

    @Test
    void badArgumentsAreNamed() {
        Backend be = CpuBackend.simd();
        NDArray x = NDArray.zeros(4, 5);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> be.geluDropoutBackward(x, NDArray.zeros(5, 4), GeluApproximation.NONE, 0.1f, 1));
        assertTrue(shape.getMessage().contains("[5,4]") && shape.getMessage().contains("[4,5]"), shape.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> be.geluDropout(x, GeluApproximation.NONE, 1f, 1));
        assertTrue(p.getMessage().contains("[0, 1)"), p.getMessage());
    }
}
