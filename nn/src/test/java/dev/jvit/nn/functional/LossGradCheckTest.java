package dev.jvit.nn.functional;

import dev.jvit.autograd.GradCheck;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import static dev.jvit.nn.layers.TestData.input;
import static dev.jvit.nn.layers.TestData.labels;

/** Central-difference checks of the fused cross-entropy's hand-written backward, of mse and of attention. */
class LossGradCheckTest {

    @Test
    void crossEntropyEveryReductionWithSmoothingAndIgnoreIndex() {
        Tensor target = labels(1, -100, 3, 0, 3);
        for (Reduction r : Reduction.values()) {
            for (float eps : new float[] {0f, 0.2f}) {
                Tensor logits = input(1, 5, 4);
                GradCheck.check("crossEntropy " + r + " eps " + eps,
                        t -> Functional.crossEntropy(t[0], target, eps, -100, r), logits);
            }
        }
    }

    @Test
    void crossEntropyCustomIgnoreIndexAndSoftTargets() {
        GradCheck.check("ignore 2", t -> Functional.crossEntropy(t[0], labels(2, 0, 1), 0.1f, 2, Reduction.MEAN),
                input(2, 3, 4));
        Tensor soft = Tensor.of(NDArray.of(new float[] {0.5f, 0.5f, 0f, 0.1f, 0.2f, 0.7f}, 2, 3));
        GradCheck.check("soft", t -> Functional.crossEntropy(t[0], soft, 0.1f, -100, Reduction.SUM), input(3, 2, 3));
    }

    @Test
    void mse() {
        for (Reduction r : Reduction.values()) {
            GradCheck.check("mse " + r, t -> Functional.mse(t[0], t[1], r), input(4, 3, 4), input(5, 3, 4));
        }
    }

    @Test
    void scaledDotProductAttentionWithAdditiveMask() {
        Tensor mask = Tensor.of(dev.jvit.nn.layers.TestData.normal(6, 1f, 1, 3, 3));
        GradCheck.check("sdpa", t -> Functional.scaledDotProductAttention(t[0], t[1], t[2], AttentionMask.additive(mask),
                0f, new Generator(0), true), input(7, 2, 3, 4), input(8, 2, 3, 4), input(9, 2, 3, 5));
    }
}
