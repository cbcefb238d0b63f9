package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Parameter;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.optim.AdamW;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hybrid ViT, the convolutional-attention model and MLP-Mixer: shapes, names, gradients, learning. */
class ConvFamilyTest {
    private static final String[] PRESETS = {"hybrid-vit-mnist", "conv-attn-mnist", "mixer-mnist"};

    private static Tensor images(long seed, int b) {
        return Tensor.randn(new Generator(seed), b, 1, 28, 28);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hybrid-vit-mnist", "conv-attn-mnist", "mixer-mnist"})
    void forwardShapeAndEveryParameterGetsAGradient(String name) {
        Models.Built m = Models.create(name, 10, new Generator(1));
        Tensor logits = m.layer().forward(images(2, 3));
        assertArrayEquals(new int[] {3, 10}, logits.shape());
        Functional.crossEntropy(logits, Tensor.of(NDArray.ofInts(new int[] {1, 4, 7}, 3))).backward();
        for (Parameter p : m.module().namedParameters()) {
            NDArray g = p.tensor().grad();
            assertNotNull(g, name + ": no gradient for " + p.name());
            double sum = 0;
            for (float v : g.toFloatArray()) sum += Math.abs(v);
            assertTrue(sum > 0, name + ": zero gradient for " + p.name());
        }
        Map<String, Object> ref = Models.spec(name).referenceConfig(10);
        assertEquals(name, ref.get("name"));
        assertNotNull(ref.get("family"));
    }

    @Test
    void registryKnowsThePresets() {
        for (String n : PRESETS) {
            assertTrue(Models.names().contains(n), n);
            assertArrayEquals(new int[] {1, 28}, Models.inputShape(n));
        }
    }

    @Test
    void hybridIsAViTWithAConvStem() {
        VisionTransformer v = HybridViT.mnist().build(new Generator(3));
        assertNull(v.patchEmbed(), "the hybrid has no timm PatchEmbed");
        List<String> names = v.namedParameters().stream().map(Parameter::name).toList();
        // a module lists its own parameters (cls_token) before its sub-modules' ones
        assertEquals(List.of("cls_token", "patch_embed.backbone.conv1.weight", "patch_embed.backbone.norm1.weight",
                "patch_embed.backbone.norm1.bias", "patch_embed.backbone.conv2.weight", "patch_embed.backbone.norm2.weight",
                "patch_embed.backbone.norm2.bias", "patch_embed.proj.weight", "patch_embed.proj.bias"),
                names.subList(0, 9));
        assertTrue(names.contains("blocks.1.attn.qkv.weight"));
        // stem 28 -> 14 -> 7: 49 tokens plus the class token
        assertArrayEquals(new int[] {2, 50, 48}, v.forwardFeatures(images(4, 2)).shape());
        assertEquals(4, v.config().patchSize());
    }

    @Test
    void stemShapes() {
        ConvStem s = new ConvStem(3, new int[] {4, 6, 8}, new Generator(1));
        assertArrayEquals(new int[] {2, 8, 4, 4}, s.forward(Tensor.randn(new Generator(2), 2, 3, 32, 32)).shape());
        assertEquals(8, s.reduction());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.forward(images(1, 1)));
        assertTrue(e.getMessage().contains("(B, 3, H, W)"), e.getMessage());
    }

    @Test
    void embeddingThatGivesTheWrongTokenCountFailsClearly() {
        // a stem of one stage gives 14x14 tokens where the config promises 7x7
        ViTConfig c = HybridViT.mnist().vitConfig();
        HybridEmbed wrong = new HybridEmbed(new ConvStem(1, new int[] {8}, new Generator(1)), c.dim(), new Generator(2));
        VisionTransformer v = new VisionTransformer(c, wrong, new Generator(3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.forward(images(1, 1)));
        assertTrue(e.getMessage().contains("expected (B, 49, 48)"), e.getMessage());
    }

    @Test
    void mixerUsesTimmNamesAndMixesTokens() {
        MlpMixer m = new MlpMixer(MlpMixer.Config.mnist(), new Generator(1));
        Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        for (Parameter p : m.namedParameters()) shapes.put(p.name(), p.tensor().shape());
        assertArrayEquals(new int[] {48, 1, 4, 4}, shapes.get("stem.proj.weight"));
        assertArrayEquals(new int[] {48}, shapes.get("blocks.0.norm1.weight"));
        assertArrayEquals(new int[] {24, 49}, shapes.get("blocks.0.mlp_tokens.fc1.weight"));   // across the 49 patches
        assertArrayEquals(new int[] {49, 24}, shapes.get("blocks.0.mlp_tokens.fc2.weight"));
        assertArrayEquals(new int[] {192, 48}, shapes.get("blocks.0.mlp_channels.fc1.weight")); // across channels
        assertArrayEquals(new int[] {48}, shapes.get("norm.weight"));
        assertArrayEquals(new int[] {10, 48}, shapes.get("head.weight"));
        assertTrue(shapes.containsKey("blocks.3.mlp_channels.fc2.bias"));
        assertEquals(2 + 4 * 12 + 2 + 2, shapes.size()); // stem, 4 blocks of 12, norm, head
    }

    @Test
    void mixerBlockTokenMixingMovesInformationBetweenPatches() {
        MixerBlock b = new MixerBlock(5, 4, 3, 8, 0f, 1e-6f, new Generator(1));
        Tensor x = Tensor.randn(new Generator(2), 1, 5, 4);
        float[] y0 = b.forward(x).toFloatArray();
        float[] v = x.toFloatArray();
        v[0] += 1f; // change patch 0 only
        float[] y1 = b.forward(Tensor.of(v, 1, 5, 4)).toFloatArray();
        assertTrue(Math.abs(y1[4 * 4] - y0[4 * 4]) > 1e-6, "patch 4 did not see patch 0");
    }

    @Test
    void convAttentionNetLearnsATinyBatch() {
        // a fixed batch of 16 noise images with fixed labels: a working model memorises it in a few dozen steps
        ConvAttentionNet net = new ConvAttentionNet(new ConvAttentionNet.Config("tiny", 12, 1, new int[] {8, 16}, 1, 2, 10),
                new Generator(5));
        Models.Built m = new Models.Built(net, net, 12, 1);
        Tensor x = Tensor.randn(new Generator(6), 16, 1, 12, 12);
        int[] y = new int[16];
        for (int i = 0; i < 16; i++) y[i] = (i * 7) % 10;
        Tensor labels = Tensor.of(NDArray.ofInts(y, 16));
        AdamW opt = new AdamW(m.module(), 3e-3, 0.0);
        float first = 0, last = 0;
        for (int step = 0; step < 40; step++) {
            Tensor loss = Functional.crossEntropy(m.layer().forward(x), labels);
            if (step == 0) first = loss.item();
            last = loss.item();
            m.module().zeroGrad();
            loss.backward();
            opt.step();
        }
        assertTrue(last < first * 0.3, "loss went from " + first + " to " + last);
    }
}
