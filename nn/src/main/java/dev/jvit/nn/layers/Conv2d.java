package dev.jvit.nn.layers;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.DType;
import dev.jvit.core.Generator;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Conv2dGeometry;
import dev.jvit.nn.Layer;
import dev.jvit.nn.Module;
import dev.jvit.nn.init.Init;

/**
 * 2-D convolution, PyTorch's {@code nn.Conv2d}: weight (out, in, kh, kw), bias (out); x (B, in, H, W) gives
 * (B, out, Ho, Wo). Computed as im2col + GEMM: the windows become rows (B, Ho*Wo, in*kh*kw), one matmul with
 * the flattened weight gives (B, Ho*Wo, out), and the result is a permuted view of that. A ViT patch
 * embedding (stride = kernel) reads {@link #forwardTokens} instead and skips the permute. Initialised as
 * PyTorch does (kaiming_uniform(a=sqrt(5)), bias U(±1/sqrt(fan_in))); the bias is not decayed.
 */
public final class Conv2d extends Module implements Layer {
    private final int inChannels, outChannels;
    private final Conv2dGeometry geometry;
    private final Tensor weight, bias;

    /** A square kernel with equal stride and padding on both axes. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, Generator g) {
        this(inChannels, outChannels, Conv2dGeometry.square(kernel, stride, padding), bias, g);
    }

    public Conv2d(int inChannels, int outChannels, Conv2dGeometry geometry, boolean bias, Generator g) {
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException("Conv2d needs positive channel counts, got in=" + inChannels + " out=" + outChannels);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.geometry = geometry;
        NDArray w = NDArray.empty(DType.FLOAT32, outChannels, inChannels, geometry.kernelH(), geometry.kernelW());
        this.weight = registerParameter("weight", Init.defaultWeight(w, g));
        this.bias = bias
                ? registerParameter("bias", Init.defaultBias(NDArray.empty(DType.FLOAT32, outChannels),
                        geometry.patchSize(inChannels), g), false)
                : null;
    }

    /** x (B, in, H, W) to (B, out, Ho, Wo). */
    @Override
    public Tensor forward(Tensor x) {
        Tensor tokens = forwardTokens(x); // (B, Ho*Wo, out)
        int ho = geometry.outH(x.size(2)), wo = geometry.outW(x.size(3));
        return tokens.reshape(x.size(0), ho, wo, outChannels).permute(0, 3, 1, 2);
    }

    /** x (B, in, H, W) to (B, Ho*Wo, out): output positions in row-major order, channels last. */
    public Tensor forwardTokens(Tensor x) {
        if (x.rank() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + " -> " + outChannels + ") expects input (B, "
                    + inChannels + ", H, W), got " + Shape.str(x.shape()));
        }
        Tensor cols = x.im2col(geometry); // (B, L, in*kh*kw)
        Tensor w = weight.reshape(outChannels, -1); // (out, in*kh*kw)
        int b = cols.size(0), l = cols.size(1);
        // one tall GEMM over all B*L windows, so the weight gradient is one GEMM too
        Tensor y = cols.reshape(b * l, -1).matmul(w.mT());
        if (bias != null) y = y.add(bias);
        return y.reshape(b, l, outChannels);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public Conv2dGeometry geometry() {
        return geometry;
    }
}
