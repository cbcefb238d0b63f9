package dev.jvit.vit.model;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Shape;

/**
 * Cuts images into non-overlapping square patches, flattened: the course's first exercise (28×28 MNIST into
 * a 7×7 grid of 4×4 patches, 49 rows of 16 values). Only views and one copy, so it is differentiable for free.
 */
public final class Patchify {
    private Patchify() {}

    /**
     * x (B, C, H, W) to (B, (H/p)·(W/p), C·p·p): patches in row-major grid order, each flattened in
     * (C, row, column) order — the order of a Conv2d weight (D, C, p, p), so a Linear over patches and a
     * strided convolution with the same weights agree.
     */
    public static Tensor apply(Tensor x, int p) {
        if (x.rank() != 4) throw new IllegalArgumentException("patchify expects (B, C, H, W), got " + Shape.str(x.shape()));
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        if (h % p != 0 || w % p != 0) {
            throw new IllegalArgumentException("image " + h + "x" + w + " is not divisible into " + p + "x" + p + " patches");
        }
        int gh = h / p, gw = w / p;
        return x.reshape(b, c, gh, p, gw, p).permute(0, 2, 4, 1, 3, 5).reshape(b, gh * gw, c * p * p);
    }
}
