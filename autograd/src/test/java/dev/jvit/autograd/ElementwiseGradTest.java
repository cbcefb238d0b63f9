package dev.jvit.autograd;

import org.junit.jupiter.api.Test;

import static dev.jvit.autograd.Data.awayFromZero;
import static dev.jvit.autograd.Data.normal;
import static dev.jvit.autograd.Data.param;
import static dev.jvit.autograd.Data.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradient checks of the elementwise ops, on plain, broadcast and strided (non-contiguous) inputs. */
class ElementwiseGradTest {

    static void check(String name, GradCheck.Op op, Tensor... inputs) {
        GradCheck.Report r = GradCheck.check(name, op, inputs);
        assertTrue(r.elementsChecked() > 0, r.toString());
    }

    @Test
    void binaryOpsSameShape() {
        check("add", x -> x[0].add(x[1]), param(1, 3, 4), param(2, 3, 4));
        check("sub", x -> x[0].sub(x[1]), param(1, 3, 4), param(2, 3, 4));
        check("mul", x -> x[0].mul(x[1]), param(1, 3, 4), param(2, 3, 4));
        check("div", x -> x[0].div(x[1]), param(1, 3, 4), Tensor.param(uniform(2, 0.5f, 2f, 3, 4)));
        check("maximum", x -> x[0].maximum(x[1]), param(1, 3, 4), param(2, 3, 4));
        check("minimum", x -> x[0].minimum(x[1]), param(1, 3, 4), param(2, 3, 4));
        check("pow", x -> x[0].pow(x[1]), Tensor.param(uniform(3, 0.5f, 2f, 3, 4)),
                Tensor.param(uniform(4, -1.5f, 1.5f, 3, 4)));
    }

    @Test
    void binaryOpsBroadcast() {
        // (3,1,5) with (4,5) -> (3,4,5): the engine sums each gradient back to its input's shape
        check("add bcast", x -> x[0].add(x[1]), param(1, 3, 1, 5), param(2, 4, 5));
        check("sub bcast", x -> x[0].sub(x[1]), param(1, 3, 1, 5), param(2, 4, 5));
        check("mul bcast", x -> x[0].mul(x[1]), param(1, 3, 1, 5), param(2, 4, 5));
        check("div bcast", x -> x[0].div(x[1]), param(1, 3, 1, 5), Tensor.param(uniform(2, 0.5f, 2f, 4, 5)));
        check("maximum bcast", x -> x[0].maximum(x[1]), param(1, 3, 1, 5), param(2, 4, 5));
        check("minimum bcast", x -> x[0].minimum(x[1]), param(1, 3, 1, 5), param(2, 4, 5));
        check("pow bcast", x -> x[0].pow(x[1]), Tensor.param(uniform(3, 0.5f, 2f, 3, 1, 5)),
                Tensor.param(uniform(4, -1.5f, 1.5f, 4, 5)));
        check("bias (C) to (B,N,C)", x -> x[0].add(x[1]), param(5, 2, 3, 4), param(6, 4));
        check("scalar tensor", x -> x[0].mul(x[1]), param(5, 2, 3), param(6));
    }

    @Test
    void scalarForms() {
        check("add scalar", x -> x[0].add(2.5f), param(1, 2, 3));
        check("sub scalar", x -> x[0].sub(2.5f), param(1, 2, 3));
        check("mul scalar", x -> x[0].mul(-1.5f), param(1, 2, 3));
        check("div scalar", x -> x[0].div(4f), param(1, 2, 3));
    }

    @Test
    void unaryOps() {
        check("neg", x -> x[0].neg(), param(1, 2, 5));
        check("exp", x -> x[0].exp(), param(1, 2, 5));
        check("log", x -> x[0].log(), Tensor.param(uniform(2, 0.3f, 3f, 2, 5)));
        check("sqrt", x -> x[0].sqrt(), Tensor.param(uniform(2, 0.3f, 3f, 2, 5)));
        check("rsqrt", x -> x[0].rsqrt(), Tensor.param(uniform(2, 0.3f, 3f, 2, 5)));
        check("tanh", x -> x[0].tanh(), param(1, 2, 5));
        check("erf", x -> x[0].erf(), param(1, 2, 5));
        check("abs", x -> x[0].abs(), Tensor.param(awayFromZero(3, 2, 5)));
        check("relu", x -> x[0].relu(), Tensor.param(awayFromZero(3, 2, 5)));
        check("sigmoid", x -> x[0].sigmoid(), param(1, 2, 5));
        check("pow 2", x -> x[0].pow(2f), param(1, 2, 5));
        check("pow 3 negative base", x -> x[0].pow(3f), param(1, 2, 5));
        check("pow -0.5", x -> x[0].pow(-0.5f), Tensor.param(uniform(2, 0.5f, 3f, 2, 5)));
        check("pow 0", x -> x[0].pow(0f).mul(x[0]), param(1, 2, 5));
    }

    @Test
    void whereAndMaskedFill() {
        Tensor cond = Tensor.of(uniform(7, 0f, 1f, 3, 1).gt(dev.jvit.core.NDArray.full(0.5f)));
        check("where", x -> Tensor.where(cond, x[0], x[1]), param(1, 3, 4), param(2, 4));
        Tensor mask = Tensor.of(dev.jvit.core.NDArray.of(new float[] {1, 0, 0, 1}, 1, 4));
        check("maskedFill", x -> x[0].maskedFill(mask, -3f), param(1, 3, 4));
    }

    @Test
    void opsOnStridedViews() {
        // a transposed view and a stepped slice feed the kernels non-contiguous operands, and their
        // backward passes scatter the gradient back through the view
        check("mul transposed", x -> x[0].transpose(0, 1).mul(x[1]), param(1, 5, 3), param(2, 3, 5));
        check("exp of stepped slice", x -> x[0].slice(1, 0, 7, 2).exp(), param(1, 3, 7));
        check("div slice by transposed", x -> x[0].slice(0, 1, 6, 2).div(x[1].mT()),
                param(1, 6, 4), Tensor.param(uniform(2, 0.5f, 2f, 4, 3)));
        // leaves whose own values are strided views
        Tensor t = Tensor.param(normal(3, 4, 6).transpose(0, 1));
        Tensor s = Tensor.param(normal(4, 6, 8).slice(1, 1, 8, 2));
        check("leaf views", x -> x[0].mul(x[1].sigmoid()), t, Tensor.param(normal(5, 6, 4)));
        check("leaf slice", x -> x[0].tanh().add(x[1]), s, param(6, 4));
    }

    @Test
    void maximumSplitsTiesEqually() {
        Tensor a = Tensor.param(dev.jvit.core.NDArray.of(new float[] {1, 2, 3}, 3));
        Tensor b = Tensor.param(dev.jvit.core.NDArray.of(new float[] {3, 2, 1}, 3));
        a.maximum(b).sum().backward();
        assertArrayEquals(new float[] {0, 0.5f, 1}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 0.5f, 0}, b.grad().toFloatArray());
    }

    @Test
    void comparisonsCarryNoGradient() {
        Tensor a = param(1, 4), b = param(2, 4);
        for (Tensor c : new Tensor[] {a.eq(b), a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b), a.gt(0f), a.le(0.5f)}) {
            assertFalse(c.requiresGrad());
            assertTrue(c.isLeaf());
        }
        assertArrayEquals(new float[] {1, 0, 1}, Tensor.of(new float[] {1, 2, 3}, 3)
                .ne(Tensor.of(new float[] {0, 2, 4}, 3)).toFloatArray());
    }
}
