package dev.jvit.autograd;

import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.GeluApproximation;
import org.junit.jupiter.api.Test;

import static dev.jvit.autograd.Data.normal;
import static dev.jvit.autograd.Data.param;
import static dev.jvit.autograd.ElementwiseGradTest.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradient checks of the fused ops (softmax, log-softmax, layer norm, GELU, qkv attention) and of dropout. */
class FusedGradTest {

    @Test
    void softmax() {
        check("softmax", x -> x[0].softmax(), param(1, 2, 3, 5));
        check("softmax dim 1", x -> x[0].softmax(1), param(1, 2, 3, 5));
        check("softmax of transposed", x -> x[0].mT().softmax(), param(1, 5, 3));
        check("logSoftmax", x -> x[0].logSoftmax(), param(1, 2, 3, 5));
        check("logSoftmax dim 0", x -> x[0].logSoftmax(0), param(1, 4, 3));
        check("logSoftmax of stepped slice", x -> x[0].slice(1, 0, 8, 2).logSoftmax(), param(1, 3, 8));
    }

    @Test
    void layerNorm() {
        Tensor w = Tensor.param(Data.uniform(5, 0.5f, 1.5f, 8)), b = param(6, 8);
        check("layerNorm w b", x -> x[0].layerNorm(x[1], x[2], 1e-5f), param(1, 2, 3, 8), w, b);
        check("layerNorm no affine", x -> x[0].layerNorm(null, null, 1e-5f), param(1, 3, 8));
        check("layerNorm weight only", x -> x[0].layerNorm(x[1], null, 1e-5f), param(1, 3, 8), w);
        check("layerNorm bias only", x -> x[0].layerNorm(null, x[1], 1e-5f), param(1, 3, 8), b);
        check("layerNorm of transposed", x -> x[0].mT().layerNorm(x[1], x[2], 1e-5f), param(1, 8, 3), w, b);
        Tensor frozen = Tensor.of(Data.uniform(7, 0.5f, 1.5f, 8));
        check("layerNorm frozen weight", x -> x[0].layerNorm(frozen, x[1], 1e-5f), param(1, 3, 8), b);
    }

    @Test
    void gelu() {
        check("gelu exact", x -> x[0].gelu(), param(1, 3, 7));
        check("gelu tanh", x -> x[0].gelu(GeluApproximation.TANH), param(1, 3, 7));
        check("gelu of transposed", x -> x[0].mT().gelu(GeluApproximation.NONE), param(1, 7, 3));
    }

    @Test
    void qkvAttention() {
        // head widths below and at the vector length, a token count with a vector tail, a sliced qkv view
        check("qkvAttention H=2 D=3", x -> Function.apply(new dev.jvit.autograd.ops.QkvAttention(2, 0.4f), x[0]),
                param(1, 2, 5, 18));
        check("qkvAttention H=1 D=8", x -> Function.apply(new dev.jvit.autograd.ops.QkvAttention(1, 0.35f), x[0]),
                param(2, 1, 11, 24));
        check("qkvAttention of sliced rows", x -> Function.apply(new dev.jvit.autograd.ops.QkvAttention(2, 0.5f),
                x[0].slice(1, 0, 8, 2)), param(3, 2, 8, 24));
    }

    @Test
    void linear() {
        check("linear with bias", x -> Function.apply(new dev.jvit.autograd.ops.Linear(), x[0], x[1], x[2]),
                param(1, 7, 5), param(2, 3, 5), param(3, 3));
        check("linear without bias", x -> Function.apply(new dev.jvit.autograd.ops.Linear(), x[0], x[1]),
                param(4, 7, 5), param(5, 3, 5));
        check("linear of transposed input and weight", x -> Function.apply(new dev.jvit.autograd.ops.Linear(),
                x[0].mT(), x[1].mT(), x[2]), param(6, 5, 7), param(7, 5, 3), param(8, 3));
    }

    @Test
    void linearEqualsMatmulPlusBias() {
        Tensor x = param(1, 9, 6), w = param(2, 4, 6), b = param(3, 4);
        float[] fused = Function.apply(new dev.jvit.autograd.ops.Linear(), x, w, b).toFloatArray();
        float[] composed = x.matmul(w.mT()).add(b).toFloatArray();
        assertArrayEquals(composed, fused, 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> Function.apply(new dev.jvit.autograd.ops.Linear(), x, param(4, 4, 5), b));
    }

    @Test
    void dropoutGradient() {
        // a fresh generator with the same seed on every evaluation keeps the mask fixed for the numeric side
        check("dropout", x -> x[0].dropout(0.3f, new Generator(42), true), param(1, 4, 6));
    }

    @Test
    void geluDropoutGradient() {
        check("gelu-dropout exact", x -> x[0].geluDropout(GeluApproximation.NONE, 0.3f, new Generator(42), true),
                param(1, 4, 6));
        check("gelu-dropout tanh of transposed",
                x -> x[0].mT().geluDropout(GeluApproximation.TANH, 0.5f, new Generator(43), true), param(2, 6, 4));
    }

    /** The fused op is gelu then dropout: same values, same gradient, same draws from the generator. */
    @Test
    void geluDropoutIsGeluThenDropout() {
        for (GeluApproximation a : GeluApproximation.values()) {
            Tensor x = param(5, 3, 50, 16);
            Generator fusedDraws = new Generator(9), composedDraws = new Generator(9);
            Tensor fused = x.geluDropout(a, 0.1f, fusedDraws, true);
            Tensor composed = x.gelu(a).dropout(0.1f, composedDraws, true);
            assertArrayEquals(composed.toFloatArray(), fused.toFloatArray(), a + " forward");
            assertEquals(composedDraws.nextLong(), fusedDraws.nextLong(), "the generators advanced alike");
            NDArray upstream = normal(6, 3, 50, 16);
            fused.backward(upstream);
            float[] fusedGrad = x.grad().toFloatArray();
            x.zeroGrad();
            composed.backward(upstream);
            assertArrayEquals(x.grad().toFloatArray(), fusedGrad, a + " gradient");
        }
        Tensor x = param(7, 2, 5);
        assertArrayEquals(x.gelu().toFloatArray(), x.geluDropout(GeluApproximation.NONE, 0.5f, new Generator(1), false).toFloatArray(),
                "the identity dropout when not training");
        assertThrows(IllegalArgumentException.class, () -> x.geluDropout(GeluApproximation.NONE, 1.5f, new Generator(1), true));
    }

    @Test
    void dropoutMaskAndScaling() {
        int n = 20000;
        Tensor x = Tensor.param(NDArray.ones(n));
        Tensor y = x.dropout(0.25f, new Generator(7), true);
        float[] v = y.toFloatArray();
        int kept = 0;
        for (float f : v) {
            if (f != 0f) {
                assertEquals(1f / 0.75f, f, 1e-6f);
                kept++;
            }
        }
        // 20000 Bernoulli(0.75) draws: the standard deviation of the kept fraction is 0.003
        assertEquals(0.75, kept / (double) n, 0.02);
        y.sum().backward();
        assertArrayEquals(v, x.grad().toFloatArray()); // x is ones, so the gradient is the mask itself
    }

    @Test
    void dropoutIdentityWhenNotTraining() {
        Tensor x = param(1, 3, 4);
        assertSame(x, x.dropout(0.5f, new Generator(1), false));
        assertSame(x, x.dropout(0f, new Generator(1), true));
        Tensor all = x.dropout(1f, new Generator(1), true);
        for (float f : all.toFloatArray()) assertEquals(0f, f, 0f); // -0 for negative x, as in PyTorch
        all.sum().backward();
        for (float f : x.grad().toFloatArray()) assertEquals(0f, f, 0f);
    }

    @Test
    void fusedOpsAreRecordedOnlyWhenNeeded() {
        Tensor c = Tensor.of(normal(1, 2, 3));
        assertFalse(c.softmax().requiresGrad());
        assertTrue(param(1, 2, 3).gelu().requiresGrad());
    }
}
