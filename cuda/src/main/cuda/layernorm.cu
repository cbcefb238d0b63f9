// Layer norm over the last dimension, forward and backward, after llm.c's layernorm_forward and
// layernorm_backward and the CPU's layerNormRow/layerNormBackwardRow. x is (rows, C), contiguous; mean and
// rstd are (rows). The weight and bias gradients are sums over all rows: instead of atomics, fixed blocks
// of rows write partial sums and a second kernel adds the partials in block order, so results repeat bit
// for bit from run to run.
#include "common.cuh"

// One block per row. Statistics in two passes (mean, then squared deviations), as on the CPU.
extern "C" __global__ void layernorm_forward(int rows, int C, const float* x, int hasWeight, const float* w,
                                             int hasBias, const float* b, float eps, float* y, float* mean,
                                             float* rstd) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* in = x + (long long) r * C;
        float* out = y + (long long) r * C;
        float s = 0.0f;
        for (int i = threadIdx.x; i < C; i += blockDim.x) s += in[i];
        float m = blockSum(s, scratch) / (float) C;
        float ss = 0.0f;
        for (int i = threadIdx.x; i < C; i += blockDim.x) {
            float d = in[i] - m;
            ss += d * d;
        }
        ss = blockSum(ss, scratch);
        float rs = 1.0f / sqrtf(ss / (float) C + eps);
        for (int i = threadIdx.x; i < C; i += blockDim.x) {
            float v = (in[i] - m) * rs;
            if (hasWeight) v *= w[i];
            if (hasBias) v += b[i];
            out[i] = v;
        }
        if (threadIdx.x == 0) {
            mean[r] = m;
            rstd[r] = rs;
        }
    }
}

// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * w and xhat = (x - mean) * rstd.
extern "C" __global__ void layernorm_backward_dx(int rows, int C, const float* dy, const float* x,
                                                 int hasWeight, const float* w, const float* mean,
                                                 const float* rstd, float* dx) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* d = dy + (long long) r * C;
        const float* in = x + (long long) r * C;
        float* out = dx + (long long) r * C;
        float m = mean[r], rs = rstd[r];
        float gs = 0.0f, gxs = 0.0f;
        for (int i = threadIdx.x; i < C; i += blockDim.x) {
            float xhat = (in[i] - m) * rs;
            float g = hasWeight ? d[i] * w[i] : d[i];
            gs += g;
            gxs += g * xhat;
        }
        float gMean = blockSum(gs, scratch) / (float) C;
        float gxMean = blockSum(gxs, scratch) / (float) C;
        for (int i = threadIdx.x; i < C; i += blockDim.x) {
            float xhat = (in[i] - m) * rs;
            float g = hasWeight ? d[i] * w[i] : d[i];
            out[i] = (g - gMean - xhat * gxMean) * rs;
        }
    }
}

// Partial weight and bias gradients: block (bx, by) covers columns [bx*blockDim.x, ...) and rows
// [by*rowsPerPart, (by+1)*rowsPerPart); part[by*C + c] = sum over those rows of dy*xhat (dw) or dy (db).
extern "C" __global__ void layernorm_backward_partials(int rows, int C, int rowsPerPart, const float* dy,
                                                       const float* x, const float* mean, const float* rstd,
                                                       int wantWeight, float* partW, int wantBias,
                                                       float* partB) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    int r0 = blockIdx.y * rowsPerPart;
    int r1 = min(rows, r0 + rowsPerPart);
    float sw = 0.0f, sb = 0.0f;
    for (int r = r0; r < r1; r++) {
        float d = dy[(long long) r * C + c];
        float xhat = (x[(long long) r * C + c] - mean[r]) * rstd[r];
        sw += d * xhat;
        sb += d;
    }
    if (wantWeight) partW[(long long) blockIdx.y * C + c] = sw;
    if (wantBias) partB[(long long) blockIdx.y * C + c] = sb;
}

// out[c] = sum over p of parts[p*C + c], in order of p.
extern "C" __global__ void sum_partials(int parts, int C, const float* part, float* out) {
    FOR_EACH_INDEX(c, C) {
        float s = 0.0f;
        for (int p = 0; p < parts; p++) s += part[(long long) p * C + c];
        out[c] = s;
    }
}
