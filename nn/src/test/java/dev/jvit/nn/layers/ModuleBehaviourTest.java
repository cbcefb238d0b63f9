package dev.jvit.nn.layers;

import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Module;
import dev.jvit.nn.Parameter;
import dev.jvit.nn.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jvit.nn.layers.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names, decay flags, train/eval behaviour and argument errors of the layers. */
class ModuleBehaviourTest {

    @Test
    void blockParameterNamesMatchTimm() {
        TransformerEncoderBlock b = new TransformerEncoderBlock(BlockConfig.of(8, 2), new Generator(1));
        List<String> names = b.namedParameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight",
                "attn.proj.bias", "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight",
                "mlp.fc2.bias"), names);
        assertArrayEquals(new int[] {24, 8}, b.stateDict().get("attn.qkv.weight").shape());
        assertArrayEquals(new int[] {32, 8}, b.stateDict().get("mlp.fc1.weight").shape());
        for (Parameter p : b.namedParameters()) {
            // only matrices decay: biases and norm weights do not (timm's no_weight_decay rule)
            assertEquals(p.tensor().rank() == 2, p.decay(), p.name());
        }
    }

    @Test
    void sequentialNamesChildrenByIndex() {
        Generator g = new Generator(2);
        Sequential s = Sequential.of(new Linear(3, 4, g), new Relu(), new Linear(4, 2, false, g));
        List<String> names = s.namedParameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("0.weight", "0.bias", "2.weight"), names);
        Tensor x = input(3, 5, 3);
        Tensor manual = ((Linear) s.get(2)).forward(s.get(1).forward(s.get(0).forward(x)));
        assertArrayEquals(manual.toFloatArray(), s.forward(x).toFloatArray());
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(3));
    }

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        Sequential s = new Sequential().add(new TransformerEncoderBlock(BlockConfig.of(4, 2).withDropPath(0.1f), new Generator(3)));
        s.eval();
        assertAllTraining(s, false);
        s.train();
        assertAllTraining(s, true);
    }

    private static void assertAllTraining(Module m, boolean expected) {
        assertEquals(expected, m.isTraining(), m.getClass().getSimpleName());
        for (Module c : m.children().values()) assertAllTraining(c, expected);
    }

    @Test
    void dropoutScalesInTrainingAndIsTheIdentityInEval() {
        Dropout d = new Dropout(0.25f, new Generator(4));
        Tensor x = Tensor.ones(4000);
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) zeros++;
            else assertEquals(1f / 0.75f, v, 1e-6f);
        }
        assertEquals(1000, zeros, 100); // about p of the elements, 3.6 standard deviations
        d.eval();
        assertTrue(d.forward(x) == x, "eval dropout must return its input");
    }

    @Test
    void dropPathDropsWholeSamplesAndIsTheIdentityInEval() {
        DropPath dp = new DropPath(0.5f, new Generator(5));
        Tensor x = Tensor.ones(64, 3, 2);
        float[] y = dp.forward(x).toFloatArray();
        int dropped = 0;
        for (int s = 0; s < 64; s++) {
            float first = y[s * 6];
            for (int i = 1; i < 6; i++) assertEquals(first, y[s * 6 + i], "sample " + s + " must be kept or dropped whole");
            assertTrue(first == 0f || first == 2f, "kept samples are scaled by 1/(1-p)");
            if (first == 0f) dropped++;
        }
        assertTrue(dropped > 10 && dropped < 54, "dropped " + dropped + " of 64 at p = 0.5");
        dp.eval();
        assertTrue(dp.forward(x) == x);
    }

    @Test
    void blockInEvalIgnoresDropoutAndDropPath() {
        BlockConfig c = BlockConfig.of(8, 2);
        TransformerEncoderBlock plain = new TransformerEncoderBlock(c, new Generator(6));
        TransformerEncoderBlock noisy = new TransformerEncoderBlock(c.withDropout(0.3f, 0.3f).withDropPath(0.3f), new Generator(7));
        noisy.loadStateDict(plain.stateDict(), true);
        Tensor x = input(8, 2, 5, 8);
        float[] expected = plain.forward(x).toFloatArray();
        assertFalse(java.util.Arrays.equals(expected, noisy.forward(x).toFloatArray()), "training mode must drop");
        noisy.eval();
        assertArrayEquals(expected, noisy.forward(x).toFloatArray());
    }

    @Test
    void attentionKeepsProbabilitiesOnlyWhenAsked() {
        MultiHeadSelfAttention a = new MultiHeadSelfAttention(6, 3, new Generator(9));
        Tensor x = input(10, 2, 4, 6);
        a.forward(x);
        assertNull(a.lastAttention());
        a.keepAttention(true);
        a.forward(x);
        Tensor p = a.lastAttention();
        assertArrayEquals(new int[] {2, 3, 4, 4}, p.shape());
        assertFalse(p.requiresGrad(), "kept weights are detached");
        float[] rowSums = p.value().sum(-1).toFloatArray();
        for (float s : rowSums) assertEquals(1f, s, 1e-5f);
        a.keepAttention(false);
        assertNull(a.lastAttention());
    }

    @Test
    void embeddingLooksUpRowsForAnyIndexShape() {
        Embedding e = new Embedding(5, 3, new Generator(11));
        Tensor ids = Tensor.of(NDArray.ofInts(new int[] {4, 0, 4, 2, 1, 3}, 2, 3));
        Tensor y = e.forward(ids);
        assertArrayEquals(new int[] {2, 3, 3}, y.shape());
        float[] w = e.weight().toFloatArray(), v = y.toFloatArray();
        for (int j = 0; j < 3; j++) assertEquals(w[4 * 3 + j], v[2 * 3 + j]);
        assertThrows(IndexOutOfBoundsException.class, () -> e.forward(Tensor.of(NDArray.ofInts(new int[] {5}, 1))));
        assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.ones(2)));
    }

    @Test
    void conv2dMatchesADirectConvolution() {
        Conv2d conv = new Conv2d(2, 3, 3, 2, 1, true, new Generator(12));
        Tensor x = input(13, 2, 2, 5, 4);
        float[] y;
        try (NoGrad ignored = NoGrad.enter()) {
            y = conv.forward(x).toFloatArray();
        }
        float[] xs = x.toFloatArray(), w = conv.weight().toFloatArray(), bias = conv.bias().toFloatArray();
        int ho = 3, wo = 2;
        for (int n = 0; n < 2; n++) for (int o = 0; o < 3; o++) for (int i = 0; i < ho; i++) for (int j = 0; j < wo; j++) {
            double s = bias[o];
            for (int c = 0; c < 2; c++) for (int ki = 0; ki < 3; ki++) for (int kj = 0; kj < 3; kj++) {
                int r = i * 2 - 1 + ki, q = j * 2 - 1 + kj;
                if (r >= 0 && r < 5 && q >= 0 && q < 4) s += xs[((n * 2 + c) * 5 + r) * 4 + q] * w[((o * 2 + c) * 3 + ki) * 3 + kj];
            }
            assertEquals(s, y[((n * 3 + o) * ho + i) * wo + j], 1e-5, "output " + n + "," + o + "," + i + "," + j);
        }
    }

    @Test
    void layersNameTheProblemInBadInput() {
        Generator g = new Generator(14);
        var e1 = assertThrows(IllegalArgumentException.class, () -> new Linear(4, 2, g).forward(Tensor.ones(3, 5)));
        assertTrue(e1.getMessage().contains("(..., 4)"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 2, 3, 1, 0, true, g).forward(Tensor.ones(1, 2, 5, 5)));
        assertTrue(e2.getMessage().contains("(B, 3, H, W)"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 1, 5, 1, 0, true, g).forward(Tensor.ones(1, 1, 3, 3)));
        assertTrue(e3.getMessage().contains("larger than the padded input"), e3.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadSelfAttention(10, 3, g));
        var e4 = assertThrows(IllegalArgumentException.class, () -> new MultiHeadSelfAttention(6, 2, g).forward(Tensor.ones(2, 6)));
        assertTrue(e4.getMessage().contains("(B, N, 6)"), e4.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5f, g));
    }

    @Test
    void seededLayersAreReproducible() {
        float[] a = new Linear(6, 4, new Generator(42)).weight().toFloatArray();
        float[] b = new Linear(6, 4, new Generator(42)).weight().toFloatArray();
        float[] c = new Linear(6, 4, new Generator(43)).weight().toFloatArray();
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }
}
