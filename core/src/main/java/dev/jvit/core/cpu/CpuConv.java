package dev.jvit.core.cpu;

import dev.jvit.core.DType;
import dev.jvit.core.NDArray;
import dev.jvit.core.backend.Conv2dGeometry;

/**
 * im2col and col2im on the CPU: the data movement that turns a 2-D convolution into one GEMM (the layout
 * is documented on {@link dev.jvit.core.backend.Backend#im2col}). Plain loops: the work is copying, and the
 * inner runs (one kernel row of one channel) are contiguous in the input, so they go through
 * {@link System#arraycopy}. Callers have checked ranks and sizes.
 */
final class CpuConv {
    private final CpuBackend backend;

    CpuConv(CpuBackend backend) {
        this.backend = backend;
    }

    /** x (B, C, H, W) to (B, Ho*Wo, C*kh*kw); threads split the output rows, which never overlap. */
    NDArray im2col(NDArray x, Conv2dGeometry g) {
        NDArray xc = x.contiguous();
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = g.outH(h), ow = g.outW(w), rows = oh * ow, patch = g.patchSize(c);
        int kh = g.kernelH(), kw = g.kernelW();
        NDArray out = backend.empty(DType.FLOAT32, new int[] {b, rows, patch});
        float[] src = CpuBackend.floats(xc), dst = CpuBackend.floats(out);
        int base = xc.offset();
        StridedLoops.forRange(b * rows, patch, (from, to) -> {
            for (int r = from; r < to; r++) {
                int n = r / rows, l = r - n * rows, y = l / ow, xo = l - y * ow;
                int iy0 = y * g.strideH() - g.padH(), ix0 = xo * g.strideW() - g.padW();
                // the part of each kernel row that lies inside the image; the rest is padding (zero)
                int j0 = Math.max(0, -ix0), j1 = Math.min(kw, w - ix0);
                int o = r * patch;
                for (int ch = 0; ch < c; ch++) {
                    int plane = base + (n * c + ch) * h * w;
                    for (int i = 0; i < kh; i++, o += kw) {
                        int iy = iy0 + i;
                        if (iy < 0 || iy >= h || j0 >= j1) {
                            java.util.Arrays.fill(dst, o, o + kw, 0f);
                            continue;
                        }
                        if (j0 > 0) java.util.Arrays.fill(dst, o, o + j0, 0f);
                        System.arraycopy(src, plane + iy * w + ix0 + j0, dst, o + j0, j1 - j0);
                        if (j1 < kw) java.util.Arrays.fill(dst, o + j1, o + kw, 0f);
                    }
                }
            }
        });
        return out;
    }

    /**
     * cols (B, Ho*Wo, C*kh*kw) back to (B, C, H, W), summing overlaps. Threads split the (image, channel)
     * planes: each plane is written by one thread only, in a fixed order, so the sums are reproducible.
     */
    NDArray col2im(NDArray cols, int c, int h, int w, Conv2dGeometry g) {
        NDArray cc = cols.contiguous();
        int b = cols.size(0), oh = g.outH(h), ow = g.outW(w), rows = oh * ow, patch = g.patchSize(c);
        int kh = g.kernelH(), kw = g.kernelW();
        NDArray out = backend.empty(DType.FLOAT32, new int[] {b, c, h, w});
        float[] src = CpuBackend.floats(cc), dst = CpuBackend.floats(out);
        int base = cc.offset();
        StridedLoops.forRange(b * c, (long) rows * kh * kw, (from, to) -> {
            for (int p = from; p < to; p++) {
                int n = p / c, ch = p - n * c, plane = p * h * w;
                java.util.Arrays.fill(dst, plane, plane + h * w, 0f);
                for (int l = 0; l < rows; l++) {
                    int y = l / ow, xo = l - y * ow;
                    int iy0 = y * g.strideH() - g.padH(), ix0 = xo * g.strideW() - g.padW();
                    int j0 = Math.max(0, -ix0), j1 = Math.min(kw, w - ix0);
                    int s = base + (n * rows + l) * patch + ch * kh * kw;
                    for (int i = 0; i < kh; i++, s += kw) {
                        int iy = iy0 + i;
                        if (iy < 0 || iy >= h) continue;
                        int d = plane + iy * w + ix0;
                        for (int j = j0; j < j1; j++) dst[d + j] += src[s + j];
                    }
                }
            }
        });
        return out;
    }
}
