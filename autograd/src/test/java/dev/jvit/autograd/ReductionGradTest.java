package dev.jvit.autograd;

import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import static dev.jvit.autograd.Data.distinct;
import static dev.jvit.autograd.Data.param;
import static dev.jvit.autograd.ElementwiseGradTest.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Gradient checks of sum, mean, max, min and var over various dimension sets, with and without keepDim. */
class ReductionGradTest {

    @Test
    void sumAndMean() {
        check("sum all", x -> x[0].sum(), param(1, 2, 3, 4));
        check("sum dim 1", x -> x[0].sum(1), param(1, 2, 3, 4));
        check("sum dims 0,2 keepDim", x -> x[0].sum(true, 0, 2), param(1, 2, 3, 4));
        check("sum dim -1", x -> x[0].sum(-1), param(1, 2, 3, 4));
        check("mean all", x -> x[0].mean(), param(1, 2, 3, 4));
        check("mean dims 0,1", x -> x[0].mean(0, 1), param(1, 2, 3, 4));
        check("mean dim 2 keepDim", x -> x[0].mean(true, 2), param(1, 2, 3, 4));
        check("sum of transposed", x -> x[0].transpose(0, 2).sum(0), param(1, 2, 3, 4));
    }

    @Test
    void maxAndMin() {
        check("max all", x -> x[0].max(), Tensor.param(distinct(1, 3, 4)));
        check("max dim 1", x -> x[0].max(1), Tensor.param(distinct(2, 3, 4, 5)));
        check("max dims 0,2 keepDim", x -> x[0].max(true, 0, 2), Tensor.param(distinct(3, 3, 4, 5)));
        check("min dim 0", x -> x[0].min(0), Tensor.param(distinct(4, 3, 4)));
        check("max of stepped slice", x -> x[0].slice(1, 0, 5, 2).max(-1), Tensor.param(distinct(5, 4, 5)));
    }

    @Test
    void maxSplitsTiesEqually() {
        Tensor x = Tensor.param(NDArray.of(new float[] {1, 3, 3, 2, 5, 0, 5, 5}, 2, 4));
        x.max(1).backward(NDArray.of(new float[] {1, 6}, 2));
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0, 2, 0, 2, 2}, x.grad().toFloatArray());
    }

    @Test
    void variance() {
        check("var all", x -> x[0].var(), param(1, 3, 4));
        check("var dim 1", x -> x[0].var(1), param(1, 3, 4));
        check("var population keepDim", x -> x[0].var(0, true, 0, 2), param(1, 3, 4, 5));
        check("var of transposed", x -> x[0].mT().var(1, false, -1), param(1, 3, 4));
    }
}
