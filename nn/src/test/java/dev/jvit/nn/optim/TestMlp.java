package dev.jvit.nn.optim;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Module;

/**
 * A two-layer perceptron built from Module's registry alone, so optimizer and checkpoint tests do not depend
 * on the layer classes: names fc1.weight, fc1.bias, fc2.weight, fc2.bias (biases excluded from decay), and a
 * dropout between the layers that draws from a caller's generator, so resumed runs must restore it.
 */
public final class TestMlp extends Module {
    /** y = x·Wᵀ + b with W (out, in). */
    public static final class Dense extends Module {
        final Tensor weight, bias;

        Dense(Generator g, int in, int out) {
            weight = registerParameter("weight", NDArray.randn(g, out, in).mul((float) (1 / Math.sqrt(in))));
            bias = registerParameter("bias", NDArray.randn(g, out).mul(0.1f), false);
        }

        Tensor forward(Tensor x) {
            return x.matmul(weight.mT()).add(bias);
        }
    }

    private final Dense fc1, fc2;
    private final float dropout;

    public TestMlp(Generator g, int in, int hidden, int out, float dropout) {
        fc1 = registerModule("fc1", new Dense(g, in, hidden));
        fc2 = registerModule("fc2", new Dense(g, hidden, out));
        this.dropout = dropout;
    }

    /** x (B, in) to (B, out). */
    public Tensor forward(Tensor x, Generator dropoutRng) {
        return fc2.forward(fc1.forward(x).relu().dropout(dropout, dropoutRng, isTraining()));
    }

    /** Mean squared error against y (B, out). */
    public Tensor loss(Tensor x, Tensor y, Generator dropoutRng) {
        return forward(x, dropoutRng).sub(y).pow(2f).mean();
    }
}
