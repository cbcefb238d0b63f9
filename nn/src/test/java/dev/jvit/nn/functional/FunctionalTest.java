package dev.jvit.nn.functional;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import org.junit.jupiter.api.Test;

import static dev.jvit.nn.layers.TestData.input;
import static dev.jvit.nn.layers.TestData.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Semantics of the functional API that the golden files do not pin down: masks, edge cases, errors. */
class FunctionalTest {

    @Test
    void allowMaskGivesBlockedPositionsExactlyZeroProbability() {
        Tensor q = input(1, 1, 3, 4), k = input(2, 1, 3, 4), v = input(3, 1, 3, 2);
        int[] causal = {1, 0, 0, 1, 1, 0, 1, 1, 1};
        for (NDArray m : new NDArray[] {NDArray.ofInts(causal, 3, 3), NDArray.ofInts(causal, 3, 3).toType(dev.jvit.core.DType.FLOAT32)}) {
            Functional.AttentionOutput a = Functional.attention(q, k, v, AttentionMask.allow(Tensor.of(m)), 0.5f, 0f,
                    new Generator(0), false);
            float[] p = a.weights().toFloatArray();
            for (int i = 0; i < 9; i++) if (causal[i] == 0) assertEquals(0f, p[i]);
            assertEquals(1f, p[0]); // the first query sees only itself
            // the first output row is then exactly v's first row
            assertEquals(v.value().get(0, 0, 0), a.output().value().get(0, 0, 0), 1e-6f);
        }
    }

    @Test
    void attentionChecksShapes() {
        Tensor q = input(1, 2, 3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.scaledDotProductAttention(q, input(2, 2, 3, 5),
                input(3, 2, 3, 4), null, 0f, new Generator(0), false));
        assertTrue(e.getMessage().contains("head dimension"), e.getMessage());
        var m = AttentionMask.additive(Tensor.zeros(4, 4));
        var e2 = assertThrows(IllegalArgumentException.class, () -> Functional.scaledDotProductAttention(q, q, q, m, 0f,
                new Generator(0), false));
        assertTrue(e2.getMessage().contains("does not broadcast"), e2.getMessage());
    }

    @Test
    void crossEntropyIgnoresRowsAndCountsOnlyTheRest() {
        Tensor logits = input(4, 4, 3);
        Tensor perRow = Functional.crossEntropy(logits, labels(2, -100, 0, -100), 0.1f, -100, Reduction.NONE);
        float[] r = perRow.toFloatArray();
        assertEquals(0f, r[1]);
        assertEquals(0f, r[3]);
        Tensor mean = Functional.crossEntropy(logits, labels(2, -100, 0, -100), 0.1f, -100, Reduction.MEAN);
        assertEquals((r[0] + r[2]) / 2, mean.item(), 1e-6f);
        mean.backward();
        float[] g = logits.grad().toFloatArray();
        for (int j = 0; j < 3; j++) {
            assertEquals(0f, g[3 + j]);
            assertEquals(0f, g[9 + j]);
        }
    }

    @Test
    void crossEntropyOverOnlyIgnoredRowsIsNanWithAZeroGradient() {
        Tensor logits = input(5, 2, 3);
        Tensor loss = Functional.crossEntropy(logits, labels(-100, -100));
        assertTrue(Float.isNaN(loss.item()), "0/0 as in PyTorch");
        loss.backward();
        assertArrayEquals(new float[6], logits.grad().toFloatArray());
    }

    @Test
    void crossEntropyOfAConfidentCorrectPredictionIsNearZero() {
        Tensor logits = Tensor.of(new float[] {20f, 0f, 0f, 0f, 0f, 20f}, 2, 3);
        assertEquals(0f, Functional.crossEntropy(logits, labels(0, 2)).item(), 1e-6f);
    }

    @Test
    void crossEntropyNamesBadTargets() {
        Tensor logits = input(6, 3, 4);
        var e1 = assertThrows(IndexOutOfBoundsException.class, () -> Functional.crossEntropy(logits, labels(0, 4, 1)));
        assertTrue(e1.getMessage().contains("target 4 at row 1"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, labels(0, 1)));
        assertTrue(e2.getMessage().contains("(3)"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(input(7, 2, 3, 4), labels(0, 1)));
        assertTrue(e3.getMessage().contains("(B, C)"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, Tensor.ones(3, 5)));
        assertTrue(e4.getMessage().contains("shaped like the logits"), e4.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, labels(0, 1, 2), 1.5f, -100, Reduction.MEAN));
    }

    @Test
    void mseNeedsEqualShapes() {
        assertEquals(1f, Functional.mse(Tensor.ones(2, 2), Tensor.zeros(2, 2)).item());
        assertEquals(4f, Functional.mse(Tensor.ones(2, 2), Tensor.zeros(2, 2), Reduction.SUM).item());
        assertThrows(IllegalArgumentException.class, () -> Functional.mse(Tensor.ones(2, 2), Tensor.zeros(2)));
    }

    @Test
    void dropPathWithRateOneDropsEverythingWithoutNan() {
        float[] y = Functional.dropPath(Tensor.ones(3, 2), 1f, new Generator(1), true).toFloatArray();
        assertArrayEquals(new float[6], y);
    }

    @Test
    void linearFoldsLeadingDimensions() {
        Tensor x = input(8, 2, 3, 4), w = input(9, 5, 4), b = input(10, 5);
        Tensor y = Functional.linear(x, w, b);
        assertArrayEquals(new int[] {2, 3, 5}, y.shape());
        Tensor ref = x.matmul(w.mT()).add(b);
        float[] a = y.toFloatArray(), r = ref.toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(r[i], a[i], 1e-5f);
    }
}
