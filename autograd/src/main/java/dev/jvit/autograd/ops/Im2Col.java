package dev.jvit.autograd.ops;

import dev.jvit.autograd.Function;
import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;
import dev.jvit.core.backend.Conv2dGeometry;

/**
 * Unfolds convolution windows (the backend's im2col): x (B, C, H, W) becomes (B, Ho*Wo, C*kh*kw), so a
 * convolution is a matmul with the flattened weight. The backward is the adjoint, col2im, which adds each
 * column entry back where it was read from (overlapping windows accumulate, padding drops out).
 */
public final class Im2Col extends Function {
    private final Conv2dGeometry geometry;
    private int channels, height, width;

    public Im2Col(Conv2dGeometry geometry) {
        if (geometry == null) throw new NullPointerException("im2col needs a geometry");
        this.geometry = geometry;
    }

    @Override
    protected NDArray forward(NDArray... x) {
        NDArray in = x[0];
        if (in.dtype() != DType.FLOAT32 || in.rank() != 4) {
            throw new IllegalArgumentException("im2col needs a FLOAT32 (B, C, H, W) input, got " + in.dtype() + " "
                    + Shape.str(in.shape()));
        }
        channels = in.size(1);
        height = in.size(2);
        width = in.size(3);
        geometry.outH(height); // fails clearly when the kernel does not fit
        geometry.outW(width);
        return in.backend().im2col(in, geometry);
    }

    @Override
    protected NDArray[] backward(NDArray g) {
        return new NDArray[] {g.backend().col2im(g, channels, height, width, geometry)};
    }
}
