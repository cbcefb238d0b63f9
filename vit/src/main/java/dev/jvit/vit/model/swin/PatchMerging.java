package dev.jvit.vit.model.swin;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Generator;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.layers.LayerNorm;
import dev.jvit.nn.layers.Linear;

/**
 * Swin's downsampling between stages, timm's {@code PatchMerging}: each 2×2 block of neighbours of x (B, H, W, C)
 * is concatenated into one 4C vector, normalised and projected to 2C, giving (B, H/2, W/2, 2C). The 4C vector is
 * ordered as timm orders it, [x(0,0), x(1,0), x(0,1), x(1,1)] by (row, column) offset, so timm weights load.
 * Parameters: norm.weight, norm.bias (4C), reduction.weight (2C, 4C), no bias.
 */
public final class PatchMerging extends Module implements Layer {
    private final int dim;
    private final LayerNorm norm;
    private final Linear reduction;

    public PatchMerging(int dim, float normEps, Generator g) {
        this.dim = dim;
        this.norm = registerModule("norm", new LayerNorm(4 * dim, normEps));
        this.reduction = registerModule("reduction", new Linear(4 * dim, 2 * dim, false, g));
    }

    /** x (B, H, W, C) to (B, H/2, W/2, 2C). */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(3) != dim || x.size(1) % 2 != 0 || x.size(2) % 2 != 0) {
            throw new IllegalArgumentException("patch merging expects (B, H, W, " + dim + ") with H and W even, got "
                    + Shape.str(x.shape()));
        }
        int b = x.size(0), h = x.size(1) / 2, w = x.size(2) / 2;
        // (B, H/2, rowOff, W/2, colOff, C) -> (B, H/2, W/2, colOff, rowOff, C): column offset outer, as timm
        Tensor merged = x.reshape(b, h, 2, w, 2, dim).permute(0, 1, 3, 4, 2, 5).reshape(b, h, w, 4 * dim);
        return reduction.forward(norm.forward(merged));
    }

    public LayerNorm norm() {
        return norm;
    }

    public Linear reduction() {
        return reduction;
    }
}
