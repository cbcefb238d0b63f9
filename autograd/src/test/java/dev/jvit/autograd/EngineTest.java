package dev.jvit.autograd;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static dev.jvit.autograd.Data.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backward engine: accumulation, shared subexpressions, graph retention, NoGrad, detach, errors. */
class EngineTest {

    private static Tensor vec(float... v) {
        return Tensor.param(NDArray.of(v, v.length));
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = vec(1, 2, 3);
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toFloatArray());
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {4, 8, 12}, x.grad().toFloatArray());
    }

    @Test
    void sharedSubexpressionReceivesBothContributions() {
        Tensor x = vec(1, -2);
        Tensor a = x.mul(3f);          // used twice below
        a.mul(a).add(a).sum().backward(); // d/dx (9x^2 + 3x) = 18x + 3
        assertArrayEquals(new float[] {21, -33}, x.grad().toFloatArray());
    }

    @Test
    void diamondGraph() {
        Tensor x = vec(0.5f, 1f);
        Tensor e = x.exp();
        Tensor y = e.mul(x).add(e.mul(e)).sum();
        y.backward();
        float[] xv = {0.5f, 1f};
        for (int i = 0; i < 2; i++) {
            double ex = Math.exp(xv[i]);
            assertEquals(ex * xv[i] + ex + 2 * ex * ex, x.grad().toFloatArray()[i], 1e-4);
        }
    }

    @Test
    void sameTensorAsBothInputsAndUpstreamLeftUntouched() {
        Tensor x = vec(1, 2);
        NDArray up = NDArray.of(new float[] {1, 10}, 2);
        x.add(x).backward(up); // Add returns the upstream array itself for both inputs
        assertArrayEquals(new float[] {2, 20}, x.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 10}, up.toFloatArray());
        up.fill(100f); // the leaf's grad must be its own buffer
        assertArrayEquals(new float[] {2, 20}, x.grad().toFloatArray());
        Tensor z = vec(1, 2);
        NDArray up2 = NDArray.of(new float[] {3, 4}, 2);
        z.reshape(2).backward(up2);
        up2.fill(0f);
        assertArrayEquals(new float[] {3, 4}, z.grad().toFloatArray());
    }

    @Test
    void broadcastBiasGetsSummedGradient() {
        Tensor bias = Tensor.param(NDArray.zeros(4));
        Tensor x = Tensor.of(NDArray.ones(2, 3, 4));
        x.add(bias).sum().backward();
        assertArrayEquals(new float[] {6, 6, 6, 6}, bias.grad().toFloatArray());
        assertNull(x.grad());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = vec(1, 2);
        Tensor y = x.exp().mul(x);
        NDArray up = NDArray.ones(2);
        y.backward(up, true);
        float[] once = x.grad().toFloatArray();
        y.backward(up, true);
        float[] twice = x.grad().toFloatArray();
        for (int i = 0; i < 2; i++) assertEquals(2 * once[i], twice[i], 1e-5);
        y.backward(up); // allowed, frees the graph
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.backward(up));
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void secondBackwardWithoutRetainGraphFailsClearlyAndChangesNothing() {
        Tensor x = vec(1, 2);
        Tensor y = x.mul(x).sum();
        y.backward();
        float[] before = x.grad().toFloatArray();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
        assertArrayEquals(before, x.grad().toFloatArray());
    }

    @Test
    void noGradRecordsNothingAndNests() {
        Tensor x = vec(1, 2);
        assertTrue(NoGrad.isGradEnabled());
        try (NoGrad outer = NoGrad.enter()) {
            Tensor y = x.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            try (NoGrad inner = NoGrad.enter()) {
                assertFalse(x.exp().requiresGrad());
            }
            assertFalse(NoGrad.isGradEnabled()); // still inside the outer scope
            assertFalse(x.sum().requiresGrad());
            outer.close();
            outer.close(); // a second close must not re-enable anything twice
            assertTrue(NoGrad.isGradEnabled());
        }
        assertTrue(NoGrad.isGradEnabled());
        Tensor z = x.mul(2f);
        assertTrue(z.requiresGrad());
        assertEquals("Mul", z.gradFn().name());
    }

    @Test
    void noGradIsPerThread() throws Exception {
        Tensor x = vec(1, 2);
        AtomicBoolean recorded = new AtomicBoolean();
        try (NoGrad ignored = NoGrad.enter()) {
            Thread t = new Thread(() -> recorded.set(x.mul(2f).requiresGrad()));
            t.start();
            t.join();
        }
        assertTrue(recorded.get());
    }

    @Test
    void detachStopsGradients() {
        Tensor x = vec(2, 3);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertSame(x.value().storage(), d.value().storage());
        x.mul(d).sum().backward(); // d/dx (x * const) = const
        assertArrayEquals(new float[] {2, 3}, x.grad().toFloatArray());
    }

    @Test
    void zeroGrad() {
        Tensor x = vec(1, 2);
        x.mul(3f).sum().backward();
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {3, 3}, x.grad().toFloatArray());
        NDArray buffer = x.grad();
        x.zeroGrad(false);
        assertSame(buffer, x.grad());
        assertArrayEquals(new float[] {0, 0}, x.grad().toFloatArray());
        x.mul(5f).sum().backward();
        assertSame(buffer, x.grad()); // accumulated in place
        assertArrayEquals(new float[] {5, 5}, x.grad().toFloatArray());
    }

    @Test
    void nonScalarBackwardNeedsUpstream() {
        Tensor y = param(1, 2, 3).mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("one-element") && e.getMessage().contains("[2,3]"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> y.backward(NDArray.ones(3, 2)));
        assertTrue(shape.getMessage().contains("[3,2]"), shape.getMessage());
    }

    @Test
    void backwardOnATensorWithoutGraphFails() {
        Tensor c = Tensor.of(NDArray.ones(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, c::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void retainGradKeepsNonLeafGradients() {
        Tensor x = vec(1, 2);
        Tensor a = x.mul(2f).retainGrad();
        Tensor b = a.exp();
        b.sum().backward();
        assertNotNull(a.grad());
        assertNull(b.grad()); // not retained
        float[] ga = a.grad().toFloatArray();
        assertEquals(Math.exp(2), ga[0], 1e-4);
        assertEquals(Math.exp(4), ga[1], 1e-3);
    }

    @Test
    void requiresGradRules() {
        Tensor y = vec(1).mul(2f);
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertThrows(IllegalArgumentException.class, () -> Tensor.param(NDArray.ofInts(new int[] {1}, 1)));
        Tensor c = Tensor.of(NDArray.ones(2));
        assertFalse(c.mul(c).requiresGrad());
        c.requiresGrad(true);
        assertTrue(c.mul(c).requiresGrad());
        assertTrue(c.isLeaf());
        assertEquals(DType.FLOAT32, c.dtype());
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = vec(0f);
        Tensor y = x;
        for (int i = 0; i < 20000; i++) y = y.add(1f);
        y.sum().backward();
        assertArrayEquals(new float[] {1}, x.grad().toFloatArray());
        assertEquals(20000f, y.item());
    }

    @Test
    void engineRejectsAGradientOfTheWrongShape() {
        Tensor x = vec(1, 2, 3);
        Tensor y = Function.apply(new Function() {
            @Override
            protected NDArray forward(NDArray... in) {
                return in[0].mul(2f);
            }

            @Override
            protected NDArray[] backward(NDArray g) {
                return new NDArray[] {NDArray.ones(2)};
            }

            @Override
            public String name() {
                return "WrongShape";
            }
        }, x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("WrongShape") && e.getMessage().contains("[2]")
                && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void aFunctionIsAppliedOnce() {
        var fn = new dev.jvit.autograd.ops.Neg();
        Function.apply(fn, vec(1));
        assertThrows(IllegalStateException.class, () -> Function.apply(fn, vec(1)));
    }

    @Test
    void setValueOnLeavesOnly() {
        Tensor x = vec(1, 2);
        x.mul(x).sum().backward();
        x.setValue(NDArray.of(new float[] {5, 6}, 2));
        assertNotNull(x.grad()); // same shape keeps the gradient
        x.setValue(NDArray.ones(3));
        assertNull(x.grad());
        assertThrows(IllegalStateException.class, () -> x.mul(2f).setValue(NDArray.ones(3)));
    }
}
