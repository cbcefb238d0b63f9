// im2col and col2im, the twins of CpuConv (the layout is documented on Backend.im2col). x is (B, C, H, W)
// and cols (B, Ho*Wo, C*kh*kw), both contiguous. col2im gathers instead of scattering: one thread per image
// element adds up every window entry that was read from it, in the CPU's order (output position ascending),
// so there are no atomics and the sums equal the CPU's bit for bit.
#include "common.cuh"

struct ConvGeometry {
    int batch, channels, height, width;
    int kernelH, kernelW, strideH, strideW, padH, padW;
    int outH, outW;
};

extern "C" __global__ void im2col(ConvGeometry g, const float* x, float* cols) {
    int kk = g.kernelH * g.kernelW, patch = g.channels * kk, rows = g.outH * g.outW;
    long long n = (long long) g.batch * rows * patch;
    FOR_EACH_INDEX(e, n) {
        int col = (int) (e % patch);
        long long rowIndex = e / patch;
        int l = (int) (rowIndex % rows), b = (int) (rowIndex / rows);
        int ch = col / kk, ij = col - ch * kk, i = ij / g.kernelW, j = ij - i * g.kernelW;
        int oy = l / g.outW, ox = l - oy * g.outW;
        int iy = oy * g.strideH - g.padH + i, ix = ox * g.strideW - g.padW + j;
        float v = 0.0f;
        if (iy >= 0 && iy < g.height && ix >= 0 && ix < g.width) {
            v = x[(((long long) b * g.channels + ch) * g.height + iy) * g.width + ix];
        }
        cols[e] = v;
    }
}

extern "C" __global__ void col2im(ConvGeometry g, const float* cols, float* x) {
    int kk = g.kernelH * g.kernelW, patch = g.channels * kk, rows = g.outH * g.outW;
    long long n = (long long) g.batch * g.channels * g.height * g.width;
    FOR_EACH_INDEX(e, n) {
        int ix = (int) (e % g.width);
        long long t = e / g.width;
        int iy = (int) (t % g.height);
        t /= g.height;
        int ch = (int) (t % g.channels), b = (int) (t / g.channels);
        // windows whose kernel covers (iy, ix): oy*strideH - padH <= iy < oy*strideH - padH + kernelH
        int ty = iy + g.padH, tx = ix + g.padW;
        int oy0 = ty - g.kernelH + 1 <= 0 ? 0 : (ty - g.kernelH + g.strideH) / g.strideH;
        int oy1 = min(g.outH - 1, ty / g.strideH);
        int ox0 = tx - g.kernelW + 1 <= 0 ? 0 : (tx - g.kernelW + g.strideW) / g.strideW;
        int ox1 = min(g.outW - 1, tx / g.strideW);
        float s = 0.0f;
        for (int oy = oy0; oy <= oy1; oy++) {
            int i = ty - oy * g.strideH;
            for (int ox = ox0; ox <= ox1; ox++) {
                int j = tx - ox * g.strideW;
                long long row = (long long) b * rows + oy * g.outW + ox;
                s += cols[row * patch + ch * kk + i * g.kernelW + j];
            }
        }
        x[e] = s;
    }
}
