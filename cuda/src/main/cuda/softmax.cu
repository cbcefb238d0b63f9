// Softmax and log-softmax over the last dimension and their backwards: the twins of ScalarKernels'
// softmaxRow, logSoftmaxRow, softmaxBackwardRow and logSoftmaxBackwardRow. One block per contiguous row.
#include "common.cuh"

// y = exp(x - max) / sum(exp(x - max)), or with log != 0, y = x - max - log(sum(exp(x - max))).
extern "C" __global__ void softmax_forward(int log, int rows, int len, const float* x, float* y) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* in = x + (long long) r * len;
        float* out = y + (long long) r * len;
        float m = -INFINITY;
        for (int i = threadIdx.x; i < len; i += blockDim.x) m = maxNan(m, in[i]);
        m = blockMax(m, scratch);
        float s = 0.0f;
        for (int i = threadIdx.x; i < len; i += blockDim.x) s += expf(in[i] - m);
        s = blockSum(s, scratch);
        if (log) {
            float logSum = logf(s);
            for (int i = threadIdx.x; i < len; i += blockDim.x) out[i] = in[i] - m - logSum;
        } else {
            for (int i = threadIdx.x; i < len; i += blockDim.x) out[i] = expf(in[i] - m) / s;
        }
    }
}

// softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy).
extern "C" __global__ void softmax_backward(int log, int rows, int len, const float* y, const float* dy,
                                            float* dx) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* yr = y + (long long) r * len;
        const float* dr = dy + (long long) r * len;
        float* out = dx + (long long) r * len;
        float s = 0.0f;
        for (int i = threadIdx.x; i < len; i += blockDim.x) s += log ? dr[i] : dr[i] * yr[i];
        s = blockSum(s, scratch);
        if (log) {
            for (int i = threadIdx.x; i < len; i += blockDim.x) out[i] = dr[i] - expf(yr[i]) * s;
        } else {
            for (int i = threadIdx.x; i < len; i += blockDim.x) out[i] = yr[i] * (dr[i] - s);
        }
    }
}
