package dev.jvit.core.backend;

/**
 * The window of a 2-D convolution as im2col and col2im see it: a kernel of kernelH x kernelW slides over a
 * zero-padded (H + 2 padH, W + 2 padW) image in steps of strideH, strideW. One record instead of six ints,
 * so a kernel size cannot be passed where a stride is meant.
 */
public record Conv2dGeometry(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
    public Conv2dGeometry {
        if (kernelH <= 0 || kernelW <= 0) throw new IllegalArgumentException("conv kernel must be positive, got " + kernelH + "x" + kernelW);
        if (strideH <= 0 || strideW <= 0) throw new IllegalArgumentException("conv stride must be positive, got " + strideH + "x" + strideW);
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv padding must be >= 0, got " + padH + "x" + padW);
    }

    /** A square kernel with equal stride and padding in both directions. */
    public static Conv2dGeometry square(int kernel, int stride, int padding) {
        return new Conv2dGeometry(kernel, kernel, stride, stride, padding, padding);
    }

    /** Output rows for an input of height h: floor((h + 2 padH - kernelH) / strideH) + 1. */
    public int outH(int h) {
        return out(h, padH, kernelH, strideH, "height");
    }

    /** Output columns for an input of width w. */
    public int outW(int w) {
        return out(w, padW, kernelW, strideW, "width");
    }

    private static int out(int size, int pad, int kernel, int stride, String what) {
        int span = size + 2 * pad - kernel;
        if (span < 0) {
            throw new IllegalArgumentException("conv kernel " + kernel + " is larger than the padded input " + what
                    + " " + (size + 2 * pad));
        }
        return span / stride + 1;
    }

    /** Entries per patch for c channels: c * kernelH * kernelW. */
    public int patchSize(int channels) {
        return channels * kernelH * kernelW;
    }
}
