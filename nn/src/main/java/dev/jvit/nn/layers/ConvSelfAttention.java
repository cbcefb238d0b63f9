package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Conv2dGeometry;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.functional.Functional;

/**
 * The course's convolutional attention layer: self-attention over the spatial positions of a feature map,
 * with query, key and value computed by 3×3 convolutions (padding 1) instead of per-token Linears, so each
 * position's q, k, v see its 3×3 neighbourhood. x (B, C, H, W) gives (B, C, H, W):
 * <pre>
 *   q, k, v = query(x), key(x), value(x)          each (B, C, H, W), read as N = H·W tokens of width C
 *   a       = softmax(q·kᵀ / sqrt(d)) · v         per head (d = C / heads), over the N positions
 *   y       = x + proj(a)                          proj a Linear C→C (a 1×1 convolution), then the residual
 * </pre>
 * Parameters: {@code query.weight (C, C, 3, 3)}, {@code query.bias}, the same for {@code key} and
 * {@code value}, {@code proj.weight (C, C)}, {@code proj.bias}.
 *
 * <p>The three convolutions read the same windows, so the layer unfolds x once (im2col, (B, N, 9C)) and does
 * one GEMM with the three weights stacked (3C, 9C): the result (B, N, 3C) is laid out as timm's fused qkv
 * (B, N, 3, heads, d), which the backend's fused attention kernel reads in place. The answer is the same as
 * running the three Conv2d layers and {@link Functional#attention} (a test checks it).
 */
public final class ConvSelfAttention extends Module implements Layer {
    private final int channels, heads;
    private final float scale;
    private final Conv2d query, key, value;
    private final Linear proj;

    public ConvSelfAttention(int channels, int heads, Generator g) {
        if (channels <= 0 || heads <= 0 || channels % heads != 0) {
            throw new IllegalArgumentException("ConvSelfAttention: channels " + channels
                    + " must be a positive multiple of heads " + heads);
        }
        this.channels = channels;
        this.heads = heads;
        this.scale = (float) (1.0 / Math.sqrt(channels / heads));
        Conv2dGeometry same = Conv2dGeometry.square(3, 1, 1);
        this.query = registerModule("query", new Conv2d(channels, channels, same, true, g));
        this.key = registerModule("key", new Conv2d(channels, channels, same, true, g));
        this.value = registerModule("value", new Conv2d(channels, channels, same, true, g));
        this.proj = registerModule("proj", new Linear(channels, channels, g));
    }

    /** x (B, C, H, W) to (B, C, H, W). */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != channels) {
            throw new IllegalArgumentException("ConvSelfAttention(" + channels + ") expects (B, " + channels
                    + ", H, W), got " + Shape.str(x.shape()));
        }
        int b = x.size(0), h = x.size(2), w = x.size(3), n = h * w;
        Tensor cols = x.im2col(query.geometry()).reshape(b * n, -1); // (B·N, C·9)
        Tensor weight = Tensor.concat(0, query.weight().reshape(channels, -1), key.weight().reshape(channels, -1),
                value.weight().reshape(channels, -1)); // (3C, C·9)
        Tensor bias = Tensor.concat(0, query.bias(), key.bias(), value.bias()); // (3C)
        Tensor qkv = cols.matmul(weight.mT()).add(bias).reshape(b, n, 3 * channels);
        Tensor attended = Functional.qkvAttention(qkv, heads, scale).output(); // (B, N, C)
        Tensor tokens = x.permute(0, 2, 3, 1).reshape(b, n, channels); // x as (B, N, C)
        Tensor y = tokens.add(proj.forward(attended));
        return y.reshape(b, h, w, channels).permute(0, 3, 1, 2);
    }

    public int channels() {
        return channels;
    }

    public int heads() {
        return heads;
    }

    public Conv2d query() {
        return query;
    }

    public Conv2d key() {
        return key;
    }

    public Conv2d value() {
        return value;
    }

    public Linear proj() {
        return proj;
    }
}
