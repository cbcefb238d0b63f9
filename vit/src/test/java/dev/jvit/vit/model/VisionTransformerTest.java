package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class VisionTransformerTest {

    private static double relErr(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void patchifyCutsTheCourseGrid() {
        NDArray img = NDArray.arange(28 * 28).reshape(1, 1, 28, 28);
        Tensor p = Patchify.apply(Tensor.of(img), 4);
        assertArrayEquals(new int[] {1, 49, 16}, p.shape());
        // patch 8 is grid row 1, column 1: its first row starts at pixel (4, 4)
        assertEquals(4 * 28 + 4, p.value().get(0, 8, 0));
        assertEquals(4 * 28 + 5, p.value().get(0, 8, 1));
        assertEquals(5 * 28 + 4, p.value().get(0, 8, 4));
    }

    @Test
    void linearAndConvPatchEmbeddingAgreeOnTheSameWeights() {
        ViTConfig c = ViTConfig.cifarDemo();
        VisionTransformer linear = new VisionTransformer(c, new Generator(3));
        VisionTransformer conv = new VisionTransformer(c.withConvPatchEmbed(true), new Generator(3));
        conv.loadStateDict(linear.stateDict(), true);
        Tensor x = Tensor.randn(new Generator(1), 2, 3, 32, 32);
        float[] a = linear.patchEmbed().forward(x).toFloatArray();
        float[] b = conv.patchEmbed().forward(x).toFloatArray();
        assertTrue(relErr(a, b) < 1e-5, "relative error " + relErr(a, b));
        linear.eval();
        conv.eval();
        assertTrue(relErr(linear.forward(x).toFloatArray(), conv.forward(x).toFloatArray()) < 1e-5);
    }

    @Test
    void sinCos1dFollowsTheFormula() {
        NDArray pe = SinCos.oneD(50, 8);
        for (int pos : new int[] {0, 1, 17, 49}) {
            for (int i = 0; i < 4; i++) {
                double angle = pos / Math.pow(10000, 2.0 * i / 8);
                assertEquals(Math.sin(angle), pe.get(pos, 2 * i), 1e-6);
                assertEquals(Math.cos(angle), pe.get(pos, 2 * i + 1), 1e-6);
            }
        }
    }

    @Test
    void sinCos2dEncodesRowAndColumnSeparately() {
        NDArray pe = SinCos.twoD(4, 4, 8);
        NDArray rows = SinCos.oneD(4, 4);
        // token (r=2, c=3): first half is row 2's table, second half column 3's
        for (int i = 0; i < 4; i++) {
            assertEquals(rows.get(2, i), pe.get(2 * 4 + 3, i), 1e-7);
            assertEquals(rows.get(3, i), pe.get(2 * 4 + 3, 4 + i), 1e-7);
        }
    }

    @Test
    void parameterNamesFollowTimm() {
        VisionTransformer v = new VisionTransformer(ViTConfig.vitTi16().withPosEmbed(PositionEmbedding.LEARNED), new Generator(0));
        List<String> names = v.namedParameters().stream().map(Parameter::name).toList();
        for (String n : new String[] {"patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token", "pos_embed",
                "blocks.0.norm1.weight", "blocks.0.attn.qkv.weight", "blocks.0.attn.proj.bias", "blocks.11.mlp.fc2.weight",
                "norm.weight", "head.weight", "head.bias"}) {
            assertTrue(names.contains(n), n + " missing from " + names.subList(0, 8));
        }
        // timm's vit_tiny_patch16_224 has 5,717,416 parameters
        assertEquals(5_717_416, v.parameterCount());
    }

    @Test
    void fixedPositionTablesAreBuffersNotParameters() {
        VisionTransformer v = new VisionTransformer(ViTConfig.mnistTiny(), new Generator(0));
        assertTrue(v.namedBuffers().containsKey("pos_embed"));
        assertTrue(v.namedParameters().stream().noneMatch(p -> p.name().equals("pos_embed")));
        assertArrayEquals(new int[] {1, 50, 8}, v.stateDict().get("pos_embed").shape());
    }

    @Test
    void attentionMapsAreKeptOnlyWhenAsked() {
        VisionTransformer v = new VisionTransformer(ViTConfig.mnistTiny(), new Generator(0));
        Tensor x = Tensor.randn(new Generator(1), 3, 1, 28, 28);
        v.forward(x);
        assertNull(v.attentionMaps().get(0));
        v.keepAttention(true).forward(x);
        Tensor a = v.attentionMaps().get(1);
        assertArrayEquals(new int[] {3, 2, 50, 50}, a.shape());
        float[] row = a.value().select(0, 0).select(0, 0).select(0, 0).toFloatArray();
        double s = 0;
        for (float f : row) s += f;
        assertEquals(1.0, s, 1e-5, "attention rows are distributions");
    }

    @Test
    void globalPoolAndWrongInputShapes() {
        VisionTransformer v = new VisionTransformer(ViTConfig.mnistTiny().withGlobalPool(true), new Generator(0));
        assertArrayEquals(new int[] {2, 10}, v.forward(Tensor.randn(new Generator(1), 2, 1, 28, 28)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> v.forward(Tensor.randn(new Generator(1), 2, 3, 32, 32)));
        assertTrue(e.getMessage().contains("expects images (B, 1, 28, 28)"), e.getMessage());
    }

    @Test
    void everyParameterGetsAGradient() {
        VisionTransformer v = new VisionTransformer(ViTConfig.cifarDemo().withPosEmbed(PositionEmbedding.LEARNED), new Generator(0));
        Tensor loss = v.forward(Tensor.randn(new Generator(1), 2, 3, 32, 32)).pow(2f).sum();
        loss.backward();
        for (Parameter p : v.namedParameters()) assertNotNull(p.tensor().grad(), p.name() + " got no gradient");
    }

    @Test
    void hybridModelShapes() {
        HybridMnist h = new HybridMnist(new Generator(0));
        assertArrayEquals(new int[] {4, 10}, h.forward(Tensor.randn(new Generator(1), 4, 1, 28, 28)).shape());
    }
}
