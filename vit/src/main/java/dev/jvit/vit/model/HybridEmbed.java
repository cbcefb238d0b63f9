package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.Conv2d;

/**
 * timm's {@code HybridEmbed}: a convolutional backbone whose feature map becomes the token sequence, each
 * position of the (B, F, h, w) map one token, projected to the transformer's width by {@code proj}, a 1×1
 * convolution (F → D). x (B, C, H, W) gives (B, h·w, D). Parameters {@code backbone.*}, {@code proj.weight}
 * (D, F, 1, 1), {@code proj.bias}.
 */
public final class HybridEmbed extends Module implements Layer {
    private final ConvStem backbone;
    private final Conv2d proj;

    public HybridEmbed(ConvStem backbone, int dim, Generator g) {
        this.backbone = registerModule("backbone", backbone);
        this.proj = registerModule("proj", new Conv2d(backbone.outChannels(), dim, 1, 1, 0, true, g));
    }

    /** x (B, C, H, W) to tokens (B, h·w, D), row-major over the feature map. */
    @Override
    public Tensor forward(Tensor x) {
        return proj.forwardTokens(backbone.forward(x));
    }

    public ConvStem backbone() {
        return backbone;
    }
}
