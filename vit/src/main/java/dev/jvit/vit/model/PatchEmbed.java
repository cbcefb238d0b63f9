package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.Conv2d;

/**
 * timm's {@code PatchEmbed}: images to patch tokens through {@code proj}, a Conv2d whose kernel and stride are
 * the patch size, weight (D, C, p, p). Two ways to compute the same thing: the strided convolution, or
 * patchify + one matmul with the weight flattened to (D, C·p·p) — the course's formulation. The weights are
 * the same either way; a test checks the two agree.
 */
public final class PatchEmbed extends Module implements Layer {
    private final int patchSize, dim;
    private final boolean useConv;
    private final Conv2d proj;

    public PatchEmbed(int channels, int patchSize, int dim, boolean useConv, Generator g) {
        this.patchSize = patchSize;
        this.dim = dim;
        this.useConv = useConv;
        this.proj = registerModule("proj", new Conv2d(channels, dim, patchSize, patchSize, 0, true, g));
    }

    /** x (B, C, H, W) to tokens (B, N, D). */
    @Override
    public Tensor forward(Tensor x) {
        if (useConv) return proj.forwardTokens(x);
        Tensor patches = Patchify.apply(x, patchSize); // (B, N, C·p·p)
        Tensor w = proj.weight().reshape(dim, -1);     // (D, C·p·p)
        return patches.matmul(w.mT()).add(proj.bias());
    }

    public Conv2d proj() {
        return proj;
    }
}
