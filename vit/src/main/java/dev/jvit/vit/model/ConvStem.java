package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.Conv2d;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.MaxPool2d;

import java.util.ArrayList;
import java.util.List;

/**
 * A small convolutional stem, the backbone of the hybrid ViT and of the convolutional-attention model: per
 * stage a 3×3 convolution (padding 1, no bias: the norm's shift replaces it), a norm, ReLU and a 2×2 max pool,
 * so x (B, C, H, W) gives (B, widths[last], H/2^s, W/2^s). Parameters {@code conv1.weight}, {@code norm1.weight},
 * {@code norm1.bias}, {@code conv2.weight}, ...
 *
 * <p>The norm is a LayerNorm over the channels of each position (ConvNeXt's {@code LayerNorm2d}), not timm's
 * BatchNorm2d: it needs no running statistics, so training and evaluation compute the same function, and it
 * is one fused kernel here because the convolution's GEMM already leaves its output channels-last
 * ({@link Conv2d#forwardTokens}, (B, H·W, C)), exactly the layout LayerNorm normalises.
 */
public final class ConvStem extends Module implements Layer {
    private final int channels;
    private final int[] widths;
    private final List<Conv2d> convs = new ArrayList<>();
    private final List<LayerNorm> norms = new ArrayList<>();
    private final MaxPool2d pool;

    public ConvStem(int channels, int[] widths, Generator g) {
        if (widths.length == 0) throw new IllegalArgumentException("a conv stem needs at least one stage");
        this.channels = channels;
        this.widths = widths.clone();
        int in = channels;
        for (int i = 0; i < widths.length; i++) {
            convs.add(registerModule("conv" + (i + 1), new Conv2d(in, widths[i], 3, 1, 1, false, g)));
            norms.add(registerModule("norm" + (i + 1), new LayerNorm(widths[i], 1e-5f)));
            in = widths[i];
        }
        this.pool = registerModule("pool", new MaxPool2d(2));
    }

    /** x (B, C, H, W) to (B, widths[last], H/2^stages, W/2^stages). */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != channels) {
            throw new IllegalArgumentException("conv stem expects (B, " + channels + ", H, W), got " + Shape.str(x.shape()));
        }
        for (int i = 0; i < convs.size(); i++) {
            int b = x.size(0), h = x.size(2), w = x.size(3);
            Tensor t = norms.get(i).forward(convs.get(i).forwardTokens(x)).relu(); // (B, H·W, C_i)
            x = pool.forward(t.reshape(b, h, w, widths[i]).permute(0, 3, 1, 2));
        }
        return x;
    }

    /** Channels of the output. */
    public int outChannels() {
        return widths[widths.length - 1];
    }

    /** How much the stem shrinks each side (2 per stage). */
    public int reduction() {
        return 1 << widths.length;
    }
}
