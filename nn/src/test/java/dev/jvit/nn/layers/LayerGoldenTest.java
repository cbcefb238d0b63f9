package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.AttentionMask;
import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;

/**
 * Every layer's forward and backward against PyTorch (reference/golden_layers.py): PyTorch's parameters are
 * loaded by name into the jvit layer, which must reproduce the output, the input gradient and every
 * parameter gradient.
 */
class LayerGoldenTest {
    private static final Generator G = new Generator(0); // initial values are overwritten by the golden ones

    private static <M extends Module & Layer> void check(String file, M layer) {
        check(file, layer, Layer::forward);
    }

    private static <M extends Module> void check(String file, M layer, BiFunction<M, Tensor, Tensor> forward) {
        LayerGolden g = LayerGolden.load(file);
        g.loadInto(layer);
        Tensor x = g.input();
        Tensor out = forward.apply(layer, x);
        g.assertForward(out);
        g.backward(out);
        g.assertGrads(layer, x);
    }

    @Test
    void linear() {
        check("linear", new Linear(5, 4, G));
    }

    @Test
    void linearWithoutBias() {
        check("linear_nobias", new Linear(5, 4, false, G));
    }

    @Test
    void layerNorm() {
        check("layer_norm", new LayerNorm(6, 1e-5f));
    }

    @Test
    void geluExact() {
        check("gelu_none", new Gelu(GeluApproximation.NONE));
    }

    @Test
    void geluTanh() {
        check("gelu_tanh", new Gelu(GeluApproximation.TANH));
    }

    @Test
    void conv2dStrideAndPadding() {
        check("conv2d_s2_p1", new Conv2d(3, 4, 3, 2, 1, true, G));
    }

    @Test
    void conv2dPatchEmbedding() {
        check("conv2d_patch", new Conv2d(3, 6, 4, 4, 0, true, G));
    }

    @Test
    void mlp() {
        check("mlp", new Mlp(8, 16, G));
    }

    @Test
    void transformerEncoderBlock() {
        check("block", new TransformerEncoderBlock(BlockConfig.of(8, 2), G));
    }

    @Test
    void embeddingWithRepeatedIndices() {
        LayerGolden g = LayerGolden.load("embedding");
        Embedding e = g.loadInto(new Embedding(10, 4, G));
        Tensor out = e.forward(Tensor.of(g.array("x")));
        g.assertForward(out);
        g.backward(out);
        g.assertGrads(e, null);
    }

    @Test
    void attentionWithoutMask() {
        MultiHeadSelfAttention a = new MultiHeadSelfAttention(8, 2, G).keepAttention(true);
        check("mhsa", a);
        LayerGolden.load("mhsa").assertClose("attn", a.lastAttention().value(), LayerGolden.FORWARD_TOL);
    }

    @Test
    void attentionWithAllowMask() {
        MultiHeadSelfAttention a = new MultiHeadSelfAttention(8, 2, G).keepAttention(true);
        AttentionMask mask = AttentionMask.allow(Tensor.of(LayerGolden.load("mhsa_allow_mask").array("mask")));
        check("mhsa_allow_mask", a, (m, x) -> m.forward(x, mask));
        LayerGolden.load("mhsa_allow_mask").assertClose("attn", a.lastAttention().value(), LayerGolden.FORWARD_TOL);
    }

    @Test
    void attentionWithAdditiveMask() {
        MultiHeadSelfAttention a = new MultiHeadSelfAttention(8, 2, G).keepAttention(true);
        AttentionMask mask = AttentionMask.additive(Tensor.of(LayerGolden.load("mhsa_additive_mask").array("mask")));
        check("mhsa_additive_mask", a, (m, x) -> m.forward(x, mask));
        LayerGolden.load("mhsa_additive_mask").assertClose("attn", a.lastAttention().value(), LayerGolden.FORWARD_TOL);
    }
}
