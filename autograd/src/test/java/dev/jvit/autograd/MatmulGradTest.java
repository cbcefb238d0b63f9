package dev.jvit.autograd;

import org.junit.jupiter.api.Test;

import static dev.jvit.autograd.Data.param;
import static dev.jvit.autograd.ElementwiseGradTest.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Gradient checks of matmul: plain, batched, broadcast batch dimensions, 1-D operands, transposed views. */
class MatmulGradTest {

    @Test
    void matrices() {
        check("matmul 2d", x -> x[0].matmul(x[1]), param(1, 3, 4), param(2, 4, 5));
        check("matmul batched", x -> x[0].matmul(x[1]), param(1, 2, 3, 4), param(2, 2, 4, 5));
        check("matmul broadcast batch", x -> x[0].matmul(x[1]), param(1, 2, 1, 3, 4), param(2, 3, 4, 2));
        check("matmul weight shared over batch", x -> x[0].matmul(x[1]), param(1, 2, 3, 4), param(2, 4, 5));
    }

    @Test
    void vectors() {
        check("vector @ matrix", x -> x[0].matmul(x[1]), param(1, 4), param(2, 4, 5));
        check("matrix @ vector", x -> x[0].matmul(x[1]), param(1, 3, 4), param(2, 4));
        check("dot", x -> x[0].matmul(x[1]), param(1, 4), param(2, 4));
        check("batched @ vector", x -> x[0].matmul(x[1]), param(1, 2, 3, 4), param(2, 4));
        check("vector @ batched", x -> x[0].matmul(x[1]), param(1, 4), param(2, 2, 4, 5));
    }

    @Test
    void transposedOperands() {
        check("aT @ b", x -> x[0].mT().matmul(x[1]), param(1, 4, 3), param(2, 4, 5));
        check("a @ bT", x -> x[0].matmul(x[1].mT()), param(1, 3, 4), param(2, 5, 4));
        check("q kT (attention scores)", x -> x[0].matmul(x[1].transpose(-2, -1)).mul(0.5f),
                param(1, 2, 3, 4), param(2, 2, 3, 4));
        check("matmul of stepped slice", x -> x[0].slice(0, 0, 6, 2).matmul(x[1]), param(1, 6, 4), param(2, 4, 2));
    }

    @Test
    void knownValues() {
        // y = a·b with a (1,2), b (2,1): dy/da = bᵀ, dy/db = aᵀ
        Tensor a = Tensor.param(dev.jvit.core.NDArray.of(new float[] {1, 2}, 1, 2));
        Tensor b = Tensor.param(dev.jvit.core.NDArray.of(new float[] {3, 4}, 2, 1));
        a.matmul(b).sum().backward();
        assertArrayEquals(new float[] {3, 4}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 2}, b.grad().toFloatArray());
    }
}
