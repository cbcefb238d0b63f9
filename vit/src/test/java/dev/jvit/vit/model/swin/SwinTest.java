package dev.jvit.vit.model.swin;

import dev.jvit.autograd.GradCheck;
import dev.jvit.autograd.NoGrad;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.nn.Parameter;
import dev.jvit.nn.functional.Functional;
import dev.jvit.nn.layers.BlockConfig;
import dev.jvit.nn.layers.MultiHeadSelfAttention;
import dev.jvit.nn.layers.TransformerEncoderBlock;
import dev.jvit.vit.model.Models;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Swin's window bookkeeping, its attention against plain global attention, and the whole model's wiring. */
class SwinTest {

    private static double relErr(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void partitionThenReverseIsTheIdentityAndWindowsHoldTheirPixels() {
        Tensor x = Tensor.randn(new Generator(1), 2, 8, 12, 3);
        Tensor w = WindowOps.partition(x, 4);
        assertArrayEquals(new int[] {2 * 2 * 3, 16, 3}, w.shape());
        // image 1, window (row 1, column 2) is window 1·6 + 1·3 + 2; its token 5 is pixel (4 + 1, 8 + 1)
        for (int c = 0; c < 3; c++) assertEquals(x.value().get(1, 5, 9, c), w.value().get(6 + 3 + 2, 5, c));
        assertArrayEquals(x.toFloatArray(), WindowOps.reverse(w, 4, 8, 12).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> WindowOps.partition(x, 5));
    }

    @Test
    void rollIsTorchRollAndUndoesItself() {
        Tensor x = Tensor.randn(new Generator(2), 1, 6, 5, 2);
        Tensor r = WindowOps.roll(x, -2);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 5; j++) {
                // torch.roll(x, -2): out[i][j] = x[(i + 2) mod H][(j + 2) mod W]
                assertEquals(x.value().get(0, (i + 2) % 6, (j + 2) % 5, 1), r.value().get(0, i, j, 1));
            }
        }
        assertArrayEquals(x.toFloatArray(), WindowOps.roll(r, 2).toFloatArray());
    }

    @Test
    void shiftedWindowMaskMatchesABruteForceReference() {
        int[][] cases = {{8, 8, 4, 2}, {8, 12, 4, 2}, {14, 14, 7, 3}, {16, 16, 4, 2}};
        for (int[] cs : cases) {
            int h = cs[0], w = cs[1], m = cs[2], s = cs[3];
            NDArray mask = WindowOps.attentionMask(h, w, m, s);
            int nww = w / m, n = m * m;
            assertArrayEquals(new int[] {(h / m) * nww, n, n}, mask.shape());
            for (int win = 0; win < (h / m) * nww; win++) {
                for (int p = 0; p < n; p++) {
                    for (int q = 0; q < n; q++) {
                        // the shifted map's pixel (i, j) is the image's ((i + s) mod H, (j + s) mod W); two pixels
                        // of a window may attend iff they were neighbours in the image, not brought together by
                        // the wrap-around: closer than a window in both axes
                        int pi = (win / nww) * m + p / m, pj = (win % nww) * m + p % m;
                        int qi = (win / nww) * m + q / m, qj = (win % nww) * m + q % m;
                        boolean near = Math.abs((pi + s) % h - (qi + s) % h) < m && Math.abs((pj + s) % w - (qj + s) % w) < m;
                        float want = near ? 0f : WindowOps.MASKED;
                        assertEquals(want, mask.get(win, p, q), () -> "case " + h + "x" + w + " M" + m + " s" + s);
                    }
                }
            }
        }
    }

    @Test
    void relativePositionIndexCoversEveryOffsetOnce() {
        int m = 3;
        NDArray idx = WindowOps.relativePositionIndex(m);
        boolean[] seen = new boolean[(2 * m - 1) * (2 * m - 1)];
        for (int p = 0; p < m * m; p++) {
            for (int q = 0; q < m * m; q++) {
                int v = (int) idx.get(p, q);
                seen[v] = true;
                // the same offset gives the same row
                int di = p / m - q / m, dj = p % m - q % m;
                assertEquals((di + m - 1) * (2 * m - 1) + dj + m - 1, v);
            }
        }
        for (boolean b : seen) assertTrue(b);
        assertEquals((2 * m - 1) * (2 * m - 1) / 2, (int) idx.get(0, 0), "offset (0, 0) is the table's centre row");
    }

    /** A block whose map fits in one window, shift dropped, bias zero: exactly the ViT block on the tokens. */
    @Test
    void oneWindowWithoutShiftAndZeroBiasIsGlobalAttention() {
        int dim = 16, heads = 2, side = 4;
        SwinBlock swin = new SwinBlock(dim, side, side, heads, 7, true, 4.0, 0f, 1e-5f, new Generator(5));
        assertEquals(side, swin.window());
        assertEquals(0, swin.shift(), "a map no larger than the window is not shifted");
        TransformerEncoderBlock vit = new TransformerEncoderBlock(BlockConfig.of(dim, heads).withNormEps(1e-5f), new Generator(6));
        swin.loadStateDict(vit.stateDict(), false); // everything but the bias table
        swin.attn().relativePositionBiasTable().value().copyFrom(NDArray.zeros(swin.attn().relativePositionBiasTable().shape()));
        Tensor x = Tensor.randn(new Generator(7), 3, side, side, dim);
        float[] a = swin.forward(x).toFloatArray();
        float[] b = vit.forward(x.reshape(3, side * side, dim)).toFloatArray();
        assertTrue(relErr(a, b) < 1e-5, "relative error " + relErr(a, b));

        // and the attention alone against MultiHeadSelfAttention with the same weights
        MultiHeadSelfAttention mhsa = new MultiHeadSelfAttention(dim, heads, new Generator(8));
        Map<String, NDArray> st = new HashMap<>(mhsa.stateDict());
        st.put("relative_position_bias_table", NDArray.zeros(swin.attn().relativePositionBiasTable().shape()));
        swin.attn().loadStateDict(st, true);
        Tensor t = Tensor.randn(new Generator(9), 3, side * side, dim);
        float[] c = swin.attn().forward(t).toFloatArray();
        float[] d = mhsa.forward(t).toFloatArray();
        assertTrue(relErr(c, d) < 1e-5, "relative error " + relErr(c, d));
    }

    /** With a non-zero table, the bias is added to the scores: global attention with that additive mask. */
    @Test
    void relativePositionBiasIsAddedToTheScores() {
        int dim = 8, heads = 2, m = 3;
        WindowAttention wa = new WindowAttention(dim, heads, m, true, 0f, 0f, new Generator(11));
        wa.relativePositionBiasTable().value().copyFrom(NDArray.randn(new Generator(12), 25, heads));
        Tensor x = Tensor.randn(new Generator(13), 2, m * m, dim);
        Tensor qkv = wa.qkv().forward(x).reshape(2, m * m, 3, heads, dim / heads).permute(2, 0, 3, 1, 4);
        int n = m * m;
        float[] bias = new float[heads * n * n];
        NDArray idx = WindowOps.relativePositionIndex(m);
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    bias[(h * n + p) * n + q] = wa.relativePositionBiasTable().value().get((int) idx.get(p, q), h);
                }
            }
        }
        Tensor o = Functional.attention(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2),
                dev.jvit.nn.functional.AttentionMask.additive(Tensor.of(bias, heads, n, n)), (float) (1 / Math.sqrt(dim / heads)), 0f,
                new Generator(0), false).output();
        float[] want = wa.proj().forward(o.transpose(1, 2).reshape(2, m * m, dim)).toFloatArray();
        float[] got = wa.forward(x).toFloatArray();
        assertTrue(relErr(got, want) < 1e-5, "relative error " + relErr(got, want));
    }

    @Test
    void shiftedBlockGradientsMatchFiniteDifferences() {
        // a shifted block on an 8x8 map in 4x4 windows: roll, partition, mask, bias gather, reverse, roll back
        SwinBlock block = new SwinBlock(4, 8, 8, 2, 4, true, 2.0, 0f, 1e-5f, new Generator(21));
        assertEquals(2, block.shift());
        Tensor table = block.attn().relativePositionBiasTable();
        table.value().copyFrom(NDArray.randn(new Generator(22), table.shape()).mul(0.5f));
        GradCheck.of("swin shifted block", t -> block.forward(t[0])).tolerance(2e-2, 5e-3)
                .check(Tensor.param(NDArray.randn(new Generator(23), 1, 8, 8, 4)));
    }

    @Test
    void everyParameterOfSwinMnistGetsAGradient() {
        SwinTransformer model = new SwinTransformer(SwinConfig.mnist(), new Generator(31));
        Tensor x = Tensor.randn(new Generator(32), 2, 1, 28, 28);
        Tensor logits = model.forward(x);
        assertArrayEquals(new int[] {2, 10}, logits.shape());
        Functional.crossEntropy(logits, Tensor.of(NDArray.ofInts(new int[] {3, 7}, 2))).backward();
        for (Parameter p : model.namedParameters()) {
            assertNotNull(p.tensor().grad(), p.name() + " got no gradient");
            assertTrue(p.tensor().grad().abs().sum().item() > 0, p.name() + " got an all-zero gradient");
        }
    }

    @Test
    void swinMnistIsHierarchical() {
        SwinTransformer model = new SwinTransformer(SwinConfig.mnist(), new Generator(0));
        List<SwinBlock> blocks = model.blocks();
        // 16x16 in 4x4 windows (shifted every second block), 8x8, then whole-map windows without shift
        assertEquals(4, blocks.get(0).window());
        assertEquals(0, blocks.get(0).shift());
        SwinConfig c = SwinConfig.mnist();
        assertEquals(4, c.stages());
        assertEquals(List.of(16, 8, 4, 2), List.of(c.stageResolution(0), c.stageResolution(1), c.stageResolution(2),
                c.stageResolution(3)));
        assertTrue(blocks.stream().anyMatch(b -> b.shift() == 2 && b.attentionMask() != null), "no shifted block");
    }

    @Test
    void swinTinyHasTimmsNamesShapesAndParameterCount() {
        SwinTransformer model = new SwinTransformer(SwinConfig.swinT(), new Generator(0));
        Map<String, int[]> shapes = new HashMap<>();
        for (Parameter p : model.namedParameters()) shapes.put(p.name(), p.tensor().shape());
        assertArrayEquals(new int[] {96, 3, 4, 4}, shapes.get("patch_embed.proj.weight"));
        assertArrayEquals(new int[] {96}, shapes.get("patch_embed.norm.weight"));
        assertArrayEquals(new int[] {169, 3}, shapes.get("layers.0.blocks.0.attn.relative_position_bias_table"));
        assertArrayEquals(new int[] {288, 96}, shapes.get("layers.0.blocks.1.attn.qkv.weight"));
        assertArrayEquals(new int[] {384}, shapes.get("layers.1.downsample.norm.weight"));
        assertArrayEquals(new int[] {192, 384}, shapes.get("layers.1.downsample.reduction.weight"));
        assertArrayEquals(new int[] {1536, 384}, shapes.get("layers.2.blocks.5.mlp.fc1.weight"));
        assertArrayEquals(new int[] {768}, shapes.get("norm.weight"));
        assertArrayEquals(new int[] {1000, 768}, shapes.get("head.fc.weight"));
        // timm's swin_tiny_patch4_window7_224 has 28,288,354 parameters
        assertEquals(28_288_354L, model.parameterCount());
        assertFalse(model.namedParameters().stream()
                .filter(p -> p.name().endsWith("relative_position_bias_table")).anyMatch(Parameter::decay));
    }

    @Test
    void swinTinyForwardShape() {
        Models.Built b = Models.create("swin-t", 10, new Generator(0));
        assertEquals(224, b.imageSize());
        b.module().eval();
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor y = b.layer().forward(Tensor.randn(new Generator(1), 1, 3, 224, 224));
            assertArrayEquals(new int[] {1, 10}, y.shape());
            for (float v : y.toFloatArray()) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void badConfigsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SwinConfig("odd", 28, 28, 1, 4, 16,
                List.of(1, 1), List.of(1, 2), 7, 2.0, 10, 0f, 1e-5f));
        assertTrue(e.getMessage().contains("7x7 grid"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SwinConfig("heads", 32, 32, 1, 2, 16,
                List.of(1), List.of(3), 4, 2.0, 10, 0f, 1e-5f));
        SwinTransformer m = new SwinTransformer(SwinConfig.mnist(), new Generator(0));
        assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 1, 32, 32)));
    }
}
