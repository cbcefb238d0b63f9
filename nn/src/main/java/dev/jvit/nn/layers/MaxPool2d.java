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
 * either way.
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
        return x.reshape(b, c, ho, kernel, wo, kernel).max(3, 5);
    }

    public int kernel() {
        return kernel;
    }
}
