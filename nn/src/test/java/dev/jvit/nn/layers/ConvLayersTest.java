package dev.jvit.nn.layers;

import dev.jvit.autograd.GradCheck;
import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.functional.Functional;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jvit.nn.layers.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MaxPool2d and the course's convolutional attention layer: values against loops, shapes, gradient checks. */
class ConvLayersTest {

    /** Max of each k×k window by loops over (B, C, H, W) in row-major order. */
    private static float[] bruteMaxPool(float[] x, int b, int c, int h, int w, int k) {
        int ho = h / k, wo = w / k;
        float[] out = new float[b * c * ho * wo];
        for (int n = 0; n < b * c; n++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int di = 0; di < k; di++) {
                        for (int dj = 0; dj < k; dj++) m = Math.max(m, x[(n * h + i * k + di) * w + j * k + dj]);
                    }
                    out[(n * ho + i) * wo + j] = m;
                }
            }
        }
        return out;
    }

    /**
     * Values 0.05 apart in a shuffled order: no two elements of a window come within the finite-difference
     * step of each other, so the numeric gradient never crosses over to another maximum.
     */
    private static Tensor distinct(long seed, int... shape) {
        int n = (int) dev.jvit.core.Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.05f * i - 0.025f * n;
        Generator g = new Generator(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (Math.abs(g.nextGaussian()) * 1e6) % (i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.param(dev.jvit.core.NDArray.of(v, shape));
    }

    @Test
    void maxPoolMatchesLoopsAndFloorsOddSides() {
        Tensor x = input(1, 2, 3, 7, 6);
        Tensor y = new MaxPool2d(2).forward(x);
        assertArrayEquals(new int[] {2, 3, 3, 3}, y.shape());
        assertArrayEquals(bruteMaxPool(x.toFloatArray(), 2, 3, 7, 6, 2), y.toFloatArray(), 0f);
    }

    @Test
    void maxPoolOfAPermutedView() {
        // the conv stem pools a channels-last map seen as (B, C, H, W) through a permute: a strided input
        Tensor cl = input(2, 2, 5, 4, 5); // (B, H, W, C), H odd: the last row is dropped
        Tensor x = cl.permute(0, 3, 1, 2);
        assertArrayEquals(bruteMaxPool(x.contiguous().toFloatArray(), 2, 5, 5, 4, 2),
                new MaxPool2d(2).forward(x).toFloatArray(), 0f);
    }

    @Test
    void maxPoolChannelsLastGradCheck() {
        Tensor cl = distinct(5, 2, 4, 6, 3); // (B, H, W, C) leaf; pooled through its (B, C, H, W) view
        GradCheck.Report r = GradCheck.check("maxPool2d channels-last",
                t -> new MaxPool2d(2).forward(cl.permute(0, 3, 1, 2)), cl);
        assertEquals(cl.numel(), r.elementsChecked());
    }

    @Test
    void maxPoolGradCheck() {
        Tensor x = distinct(3, 2, 2, 4, 6);
        GradCheck.Report r = GradCheck.check("maxPool2d", t -> new MaxPool2d(2).forward(x), x);
        assertEquals(x.numel(), r.elementsChecked());
    }

    @Test
    void maxPoolRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MaxPool2d(2).forward(input(4, 2, 3, 4)));
        assertTrue(e.getMessage().contains("(B, C, H, W)"), e.getMessage());
    }

    /** The layer as written out: three Conv2d, head split, {@link Functional#attention}, proj, residual. */
    private static Tensor reference(ConvSelfAttention a, Tensor x) {
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), n = h * w, heads = a.heads(), d = c / heads;
        Tensor q = a.query().forwardTokens(x).reshape(b, n, heads, d).permute(0, 2, 1, 3); // (B, heads, N, d)
        Tensor k = a.key().forwardTokens(x).reshape(b, n, heads, d).permute(0, 2, 1, 3);
        Tensor v = a.value().forwardTokens(x).reshape(b, n, heads, d).permute(0, 2, 1, 3);
        Tensor o = Functional.attention(q, k, v, null, (float) (1 / Math.sqrt(d)), 0f, null, false).output();
        Tensor merged = o.permute(0, 2, 1, 3).reshape(b, n, c);
        Tensor y = a.proj().forward(merged).reshape(b, h, w, c).permute(0, 3, 1, 2);
        return x.add(y);
    }

    @Test
    void convAttentionShapeAndReference() {
        ConvSelfAttention a = new ConvSelfAttention(8, 2, new Generator(5));
        Tensor x = input(6, 3, 8, 5, 4);
        Tensor y = a.forward(x);
        assertArrayEquals(new int[] {3, 8, 5, 4}, y.shape());
        float[] got = y.toFloatArray(), want = reference(a, x).toFloatArray();
        for (int i = 0; i < got.length; i++) assertEquals(want[i], got[i], 1e-5f, "element " + i);
        // attention mixes positions: moving one pixel changes the output far from it
        Tensor x2 = Tensor.of(x.value().contiguous());
        float[] v = x2.toFloatArray();
        v[0] += 3f;
        float[] moved = a.forward(Tensor.of(v, 3, 8, 5, 4)).toFloatArray();
        int far = ((0 * 8 + 1) * 5 + 4) * 4 + 3; // batch 0, channel 1, the opposite corner
        assertTrue(Math.abs(moved[far] - got[far]) > 1e-6f, "no mixing across positions");
    }

    @Test
    void convAttentionNames() {
        List<String> names = new ArrayList<>();
        new ConvSelfAttention(4, 1, new Generator(1)).namedParameters().forEach(p -> names.add(p.name()));
        assertEquals(List.of("query.weight", "query.bias", "key.weight", "key.bias", "value.weight", "value.bias",
                "proj.weight", "proj.bias"), names);
    }

    @Test
    void convAttentionGradCheck() {
        ConvSelfAttention a = new ConvSelfAttention(4, 2, new Generator(7));
        Tensor x = input(8, 2, 4, 3, 3);
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.addAll(a.parameters());
        GradCheck.Report r = GradCheck.of("convSelfAttention", t -> a.forward(x)).check(inputs.toArray(new Tensor[0]));
        assertTrue(r.elementsChecked() >= a.parameterCount() + x.numel(), r::toString);
    }

    @Test
    void convAttentionRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new ConvSelfAttention(6, 4, new Generator(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvSelfAttention(4, 2, new Generator(1)).forward(input(1, 2, 3, 5, 5)));
        assertTrue(e.getMessage().contains("(B, 4, H, W)"), e.getMessage());
    }
}
