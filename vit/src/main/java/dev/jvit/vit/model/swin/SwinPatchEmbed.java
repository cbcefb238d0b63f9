package dev.jvit.vit.model.swin;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Shape;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.Conv2d;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.vit.model.Patchify;

/**
 * Swin's patch partition and linear embedding, timm's {@code PatchEmbed} with {@code norm_layer} and NHWC output:
 * the image, zero-padded (centred) from imageSize to paddedSize, is cut into p×p patches, each projected to
 * embedDim by {@code proj} (a Conv2d of kernel and stride p, weight (D, C, p, p)) and layer-normed by
 * {@code norm}. The projection runs as patchify + one GEMM with the flattened conv weight: the same numbers as
 * the strided convolution, the cost of a Linear.
 */
public final class SwinPatchEmbed extends Module {
    private final int channels, imageSize, paddedSize, patchSize, dim;
    private final Conv2d proj;
    private final LayerNorm norm;

    public SwinPatchEmbed(int channels, int imageSize, int paddedSize, int patchSize, int dim, float normEps, Generator g) {
        this.channels = channels;
        this.imageSize = imageSize;
        this.paddedSize = paddedSize;
        this.patchSize = patchSize;
        this.dim = dim;
        this.proj = registerModule("proj", new Conv2d(channels, dim, patchSize, patchSize, 0, true, g));
        this.norm = registerModule("norm", new LayerNorm(dim, normEps));
    }

    /** x (B, C, S, S), S = imageSize, to the embedded grid (B, G, G, D), G = paddedSize / p. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != channels || x.size(2) != imageSize || x.size(3) != imageSize) {
            throw new IllegalArgumentException("swin patch embedding expects images (B, " + channels + ", " + imageSize
                    + ", " + imageSize + "), got " + Shape.str(x.shape()));
        }
        int b = x.size(0), grid = paddedSize / patchSize;
        Tensor padded = pad(x);
        Tensor patches = Patchify.apply(padded, patchSize);     // (B, G·G, C·p·p)
        Tensor w = proj.weight().reshape(dim, -1);              // (D, C·p·p)
        Tensor tokens = patches.matmul(w.mT()).add(proj.bias()); // (B, G·G, D)
        return norm.forward(tokens).reshape(b, grid, grid, dim);
    }

    /** Zero border: (paddedSize - imageSize) / 2 before, the rest after, on both axes. */
    private Tensor pad(Tensor x) {
        int total = paddedSize - imageSize;
        if (total == 0) return x;
        int before = total / 2, after = total - before;
        return padDim(padDim(x, 2, before, after), 3, before, after);
    }

    private static Tensor padDim(Tensor x, int dim, int before, int after) {
        int[] s = x.shape();
        s[dim] = after;
        Tensor tail = Tensor.zeros(x.device(), s);
        if (before == 0) return Tensor.concat(dim, x, tail);
        s[dim] = before;
        return Tensor.concat(dim, Tensor.zeros(x.device(), s), x, tail);
    }

    public Conv2d proj() {
        return proj;
    }

    public LayerNorm norm() {
        return norm;
    }
}
