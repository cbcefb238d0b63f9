// Reductions, the twins of CpuReductions. The Java side permutes the reduced dimensions last and makes the
// input contiguous, so every kernel here reduces contiguous rows of length len: one block per row, each
// thread folding a strided slice of the row, then a warp-shuffle block reduction. The summation order
// differs from the CPU's left-to-right loop, so sums agree to rounding, not bit for bit.
#include "common.cuh"

// ReduceOp codes
#define R_SUM 0
#define R_MEAN 1
#define R_MAX 2
#define R_MIN 3

// out[r] = op over x[r*len .. r*len+len); MEAN divides the sum by `count` (the number of reduced elements,
// which is len; an empty mean is 0/0 = NaN as on the CPU).
extern "C" __global__ void reduce_rows(int op, int rows, int len, const float* x, float* out, float count) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* row = x + (long long) r * len;
        float v;
        if (op == R_MAX || op == R_MIN) {
            v = op == R_MAX ? -INFINITY : INFINITY;
            for (int i = threadIdx.x; i < len; i += blockDim.x) v = op == R_MAX ? maxNan(v, row[i]) : minNan(v, row[i]);
            v = op == R_MAX ? blockReduce(v, MaxOp(), -INFINITY, scratch) : blockReduce(v, MinOp(), INFINITY, scratch);
        } else {
            v = 0.0f;
            for (int i = threadIdx.x; i < len; i += blockDim.x) v += row[i];
            v = blockSum(v, scratch);
            if (op == R_MEAN) v = v / count;
        }
        if (threadIdx.x == 0) out[r] = v;
    }
}

// out[r] = sum((x - mean)^2) / divisor over each row, with the mean of the row computed first: two passes,
// as CpuReductions.variance does (subtracting the mean before squaring avoids cancellation).
extern "C" __global__ void variance_rows(int rows, int len, const float* x, float* out, float divisor) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* row = x + (long long) r * len;
        float s = 0.0f;
        for (int i = threadIdx.x; i < len; i += blockDim.x) s += row[i];
        float mean = blockSum(s, scratch) / (float) len;
        float ss = 0.0f;
        for (int i = threadIdx.x; i < len; i += blockDim.x) {
            float d = row[i] - mean;
            ss += d * d;
        }
        ss = blockSum(ss, scratch);
        if (threadIdx.x == 0) out[r] = ss / divisor;
    }
}

// The better of two (value, index) candidates for argmax: a NaN beats everything (torch.argmax returns the
// first NaN), a larger value beats a smaller one, and on a tie the smaller index wins.
__device__ __forceinline__ bool argmaxBetter(float v, int i, float w, int j) {
    bool vn = v != v, wn = w != w;
    if (vn || wn) return vn && (!wn || i < j);
    return v > w || (v == w && i < j);
}

extern "C" __global__ void argmax_rows(int rows, int len, const float* x, int* out) {
    __shared__ float values[32];
    __shared__ int indices[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* row = x + (long long) r * len;
        float best = -INFINITY;
        int bestIndex = 0x7fffffff;
        for (int i = threadIdx.x; i < len; i += blockDim.x) {
            if (argmaxBetter(row[i], i, best, bestIndex)) {
                best = row[i];
                bestIndex = i;
            }
        }
        for (int o = 16; o > 0; o >>= 1) {
            float w = __shfl_xor_sync(0xffffffffu, best, o);
            int j = __shfl_xor_sync(0xffffffffu, bestIndex, o);
            if (argmaxBetter(w, j, best, bestIndex)) {
                best = w;
                bestIndex = j;
            }
        }
        __syncthreads();
        if (lane == 0) {
            values[warp] = best;
            indices[warp] = bestIndex;
        }
        __syncthreads();
        if (warp == 0) {
            best = lane < warps ? values[lane] : -INFINITY;
            bestIndex = lane < warps ? indices[lane] : 0x7fffffff;
            for (int o = 16; o > 0; o >>= 1) {
                float w = __shfl_xor_sync(0xffffffffu, best, o);
                int j = __shfl_xor_sync(0xffffffffu, bestIndex, o);
                if (argmaxBetter(w, j, best, bestIndex)) {
                    best = w;
                    bestIndex = j;
                }
            }
            // a row of all -inf leaves the sentinel index: the first element is the answer then
            if (lane == 0) out[r] = bestIndex == 0x7fffffff ? 0 : bestIndex;
        }
    }
}
