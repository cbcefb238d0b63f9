package dev.jvit.nn.layers;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.BinaryOp;
import dev.jvit.nn.Module;
import dev.jvit.nn.Sequential;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.optim.AdamW;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a model that can memorise one fixed batch of random labels must drive the loss to about zero.
 * Catches what per-op checks cannot: a parameter that never receives its gradient, a gradient applied with
 * the wrong sign, state that leaks between steps.
 */
class OverfitTest {

    private static Tensor randomLabels(long seed, int n, int classes) {
        Generator g = new Generator(seed);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = g.nextInt(classes);
        return Tensor.of(NDArray.ofInts(v, n));
    }

    /** Plain gradient descent, written here so the test does not depend on an optimizer. */
    private static void sgdStep(Module m, float lr) {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Tensor p : m.parameters()) p.value().binaryInPlace(BinaryOp.SUB, p.grad().mul(lr));
        }
        m.zeroGrad();
    }

    @Test
    void mlpOverfitsOneBatchWithPlainGradientDescent() {
        Generator g = new Generator(1);
        Sequential mlp = Sequential.of(new Linear(6, 32, g), new Gelu(), new Linear(32, 32, g), new Relu(), new Linear(32, 4, g));
        Tensor x = Tensor.of(TestData.normal(2, 1f, 16, 6));
        Tensor y = randomLabels(3, 16, 4);
        float first = Float.NaN, loss = Float.NaN;
        for (int step = 0; step < 300; step++) {
            Tensor l = Functional.crossEntropy(mlp.forward(x), y);
            loss = l.item();
            if (step == 0) first = loss;
            l.backward();
            sgdStep(mlp, 0.5f);
        }
        assertTrue(first > 1.0f && loss < 0.02f, "loss went from " + first + " to " + loss);
    }

    /** Token ids (B, N) to logits (B, classes): embedding, one encoder block, mean over tokens, norm, head. */
    private static final class TinyTransformer extends Module {
        final Embedding embed;
        final TransformerEncoderBlock block;
        final LayerNorm norm;
        final Linear head;

        TinyTransformer(Generator g) {
            embed = registerModule("embed", new Embedding(10, 16, g));
            block = registerModule("block", new TransformerEncoderBlock(BlockConfig.of(16, 4).withDropout(0.1f, 0f), g));
            norm = registerModule("norm", new LayerNorm(16));
            head = registerModule("head", new Linear(16, 3, g));
        }

        Tensor forward(Tensor ids) {
            return head.forward(norm.forward(block.forward(embed.forward(ids)).mean(1)));
        }
    }

    @Test
    void attentionModelOverfitsOneBatchWithAdamW() {
        Generator g = new Generator(4);
        TinyTransformer model = new TinyTransformer(g);
        int[] ids = new int[12 * 5];
        for (int i = 0; i < ids.length; i++) ids[i] = g.nextInt(10);
        Tensor x = Tensor.of(NDArray.ofInts(ids, 12, 5));
        Tensor y = randomLabels(5, 12, 3);
        AdamW opt = new AdamW(model, 1e-2, 0.01);
        float first = Float.NaN;
        for (int step = 0; step < 100; step++) {
            Tensor l = Functional.crossEntropy(model.forward(x), y);
            if (step == 0) first = l.item();
            l.backward();
            opt.step();
            opt.zeroGrad();
        }
        model.eval(); // judged without dropout
        float loss;
        try (NoGrad ignored = NoGrad.enter()) {
            loss = Functional.crossEntropy(model.forward(x), y).item();
        }
        assertTrue(first > 0.8f && loss < 0.02f, "loss went from " + first + " to " + loss);
    }
}
