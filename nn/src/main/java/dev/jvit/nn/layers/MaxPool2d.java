package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.Shape;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;

/**
 * Non-overlapping max pooling, PyTorch's {@code nn.MaxPool2d(k)} (stride = kernel, no padding): x (B, C, H, W)
 * gives (B, C, H/k, W/k), rows and columns past the last whole window dropped as PyTorch floors them.
 *
 * <p>No kernel of its own: splitting H into (H/k, k) and W into (W/k, k) is a view for any strides, so the
 * pool is a reshape plus the {@code Max} reduction over the two window axes, and its gradient is Max's. One
 * difference from PyTorch: where a window has tied maxima, Max splits the gradient equally among them while
 * PyTorch gives it all to the first; after a ReLU the common tie is an all-zero window, whose gradient is zero
 * either way. Both memory layouts are served: NCHW reduces the two window axes in place; a channels-last input
 * (stride 1 on C, as {@code Conv2d.forwardTokens} leaves it) is pooled in that order and returned as a
 * (B, C, Ho, Wo) view of the channels-last result.
 */
public final class MaxPool2d extends Module implements Layer {
    private final int kernel;

    public MaxPool2d(int kernel) {
        if (kernel <= 0) throw new IllegalArgumentException("MaxPool2d needs a positive kernel, got " + kernel);
        this.kernel = kernel;
    }

    /** x (B, C, H, W) to (B, C, H/k, W/k). */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(2) < kernel || x.size(3) < kernel) {
            throw new IllegalArgumentException("MaxPool2d(" + kernel + ") expects (B, C, H, W) with H, W >= " + kernel
                    + ", got " + Shape.str(x.shape()));
        }
        int b = x.size(0), c = x.size(1), ho = x.size(2) / kernel, wo = x.size(3) / kernel;
        if (ho * kernel != x.size(2)) x = x.narrow(2, 0, ho * kernel);
        if (wo * kernel != x.size(3)) x = x.narrow(3, 0, wo * kernel);
        if (x.value().stride(1) == 1) {
            // channels-last in memory (a conv's (B, H·W, C) output seen through a permute): reduce in that
            // order, so the kept channel axis is innermost and contiguous; about 5x faster than the strided walk
            Tensor cl = x.permute(0, 2, 3, 1).reshape(b, ho, kernel, wo, kernel, c).max(2, 4); // (B, Ho, Wo, C)
            return cl.permute(0, 3, 1, 2);
        }
        return x.reshape(b, c, ho, kernel, wo, kernel).max(3, 5);
    }

    public int kernel() {
        return kernel;
    }
}
