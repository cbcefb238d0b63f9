package dev.jvit.nn.optim;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** clip_grad_norm_ semantics: global norm over all tensors, scale max/(total + 1e-6) only when above. */
class GradClipTest {

    /** A leaf whose gradient is g. */
    private static Tensor withGrad(float... g) {
        Tensor t = Tensor.param(NDArray.zeros(g.length));
        t.mul(Tensor.of(NDArray.of(g, g.length))).sum().backward();
        return t;
    }

    @Test
    void totalNormIsOverAllTensorsAndGradientsAreScaled() {
        Tensor a = withGrad(3f, 0f), b = withGrad(0f, 4f, 12f); // global norm 13
        double total = GradClip.clipGradNorm(List.of(a, b), 6.5);
        assertEquals(13.0, total, 1e-6);
        double coef = 6.5 / (13.0 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * coef), 0f}, a.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, (float) (4 * coef), (float) (12 * coef)}, b.grad().toFloatArray(), 1e-6f);
        assertEquals(6.5, GradClip.globalNorm(List.of(a, b)), 1e-5);
    }

    @Test
    void gradientsBelowTheLimitAreUntouched() {
        Tensor a = withGrad(0.3f, -0.4f);
        assertEquals(0.5, GradClip.clipGradNorm(List.of(a), 1.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, -0.4f}, a.grad().toFloatArray());
    }

    @Test
    void tensorsWithoutGradientsAreIgnored() {
        Tensor a = withGrad(6f, 8f), none = Tensor.param(NDArray.zeros(3));
        assertEquals(10.0, GradClip.clipGradNorm(List.of(a, none), 1.0), 1e-5);
        assertEquals(1.0, GradClip.globalNorm(List.of(a)), 1e-5);
        assertEquals(0.0, GradClip.globalNorm(List.of(none)));
    }

    @Test
    void nonFiniteNormIsReportedAndGradientsKept() {
        Tensor a = withGrad(Float.NaN, 1f);
        double total = GradClip.clipGradNorm(List.of(a), 1.0);
        assertEquals(Double.NaN, total);
        assertEquals(1f, a.grad().toFloatArray()[1]);
    }

    @Test
    void badMaxNormIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(withGrad(1f)), 0));
        assertEquals("max norm must be finite and > 0, got 0.0", e.getMessage());
    }
}
