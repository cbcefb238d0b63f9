package dev.jvit.autograd;

import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import static dev.jvit.autograd.Data.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GradCheck itself: it must fail on a wrong gradient and name what is wrong. */
class GradCheckTest {

    /** x^2 with a backward that forgets the factor 2. */
    static final class BadSquare extends Function {
        @Override
        protected NDArray forward(NDArray... x) {
            save(x[0]);
            return x[0].mul(x[0]);
        }

        @Override
        protected NDArray[] backward(NDArray g) {
            return new NDArray[] {g.mul(saved(0))};
        }
    }

    @Test
    void catchesAWrongGradient() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.check("bad square", x -> Function.apply(new BadSquare(), x[0]), param(1, 2, 3)));
        String m = e.getMessage();
        assertTrue(m.contains("bad square") && m.contains("input 0") && m.contains("analytic")
                && m.contains("numeric") && m.contains("element"), m);
    }

    /** a * b with the two gradients swapped: da = g * a, db = g * b. */
    static final class SwappedMul extends Function {
        @Override
        protected NDArray forward(NDArray... x) {
            save(x[0], x[1]);
            return x[0].mul(x[1]);
        }

        @Override
        protected NDArray[] backward(NDArray g) {
            return new NDArray[] {g.mul(saved(0)), g.mul(saved(1))};
        }
    }

    @Test
    void catchesSwappedGradientsAndNamesTheInput() {
        Tensor a = Tensor.param(NDArray.of(new float[] {1, 2, 3}, 3));
        Tensor b = Tensor.param(NDArray.of(new float[] {1, 2, 4}, 3)); // equal to a but for the last element
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.check("swapped", x -> Function.apply(new SwappedMul(), x[0], x[1]), a, b));
        assertTrue(e.getMessage().contains("input 0") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void reportsWhatWasChecked() {
        Tensor frozen = Tensor.of(NDArray.ones(2, 3));
        GradCheck.Report r = GradCheck.check("mul", x -> x[0].mul(x[1]), param(1, 2, 3), frozen);
        assertEquals(6, r.elementsChecked()); // the frozen input is skipped
        assertTrue(r.maxAbsError() < 2e-3, r.toString());
        assertNull(frozen.grad());
    }

    @Test
    void restoresTheInputs() {
        Tensor x = param(1, 4);
        float[] before = x.value().toFloatArray();
        GradCheck.check("exp", t -> t[0].exp(), x);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, x.value().toFloatArray());
    }
}
