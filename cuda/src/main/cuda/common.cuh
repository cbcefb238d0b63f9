// Shared by every kernel family: the strided-layout parameter block, index arithmetic, NaN-aware min/max
// (Java's Math.max/min propagate NaN, CUDA's fmaxf/fminf drop it) and block-wide reductions built on warp
// shuffles. Kernels are compiled with -fmad=false so that a*b+c rounds twice, as Java does; where the CPU
// twin uses Math.fma, the kernel calls fmaf at the same place, which keeps results equal to the CPU's.
#pragma once

#define MAX_DIMS 8
#define MAX_OPERANDS 4

// The iteration space of an elementwise op after the Java side (StridedLayout) has dropped size-1 dimensions
// and merged contiguous ones: element i of the row-major walk over shape[0..rank) sits at
// sum_d coord_d * stride[k][d] in operand k (operand 0 is the output). Element offsets are already folded
// into the pointers. Passed by value: 4 + 8*4 + 4*8*4 = 164 bytes of kernel parameters.
struct Layout {
    int rank;
    int shape[MAX_DIMS];
    int stride[MAX_OPERANDS][MAX_DIMS];
};

// Offsets of the i-th element of the walk in the first `count` operands.
template <int COUNT>
__device__ __forceinline__ void layoutOffsets(const Layout& L, long long i, int* off) {
#pragma unroll
    for (int k = 0; k < COUNT; k++) off[k] = 0;
    long long rest = i;
    for (int d = L.rank - 1; d >= 0; d--) {
        int size = L.shape[d];
        int c = (int) (rest % size);
        rest /= size;
#pragma unroll
        for (int k = 0; k < COUNT; k++) off[k] += c * L.stride[k][d];
    }
}

// Grid-stride loop over [0, n): the grid is capped on the Java side, so long arrays take several laps.
#define FOR_EACH_INDEX(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

__device__ __forceinline__ float maxNan(float a, float b) {
    return (a != a || b != b) ? __int_as_float(0x7fc00000) : fmaxf(a, b);
}

__device__ __forceinline__ float minNan(float a, float b) {
    return (a != a || b != b) ? __int_as_float(0x7fc00000) : fminf(a, b);
}

struct SumOp { __device__ __forceinline__ float operator()(float a, float b) const { return a + b; } };
struct MaxOp { __device__ __forceinline__ float operator()(float a, float b) const { return maxNan(a, b); } };
struct MinOp { __device__ __forceinline__ float operator()(float a, float b) const { return minNan(a, b); } };

template <typename Op>
__device__ __forceinline__ float warpReduce(float v, Op op) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Reduces one value per thread over the whole block and returns the result to every thread. blockDim.x is
// a multiple of 32 (at most 1024); `scratch` holds 32 floats of shared memory. The leading barrier lets the
// same scratch serve several reductions in a row.
template <typename Op>
__device__ float blockReduce(float v, Op op, float identity, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warpReduce(v, op);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float w = lane < warps ? scratch[lane] : identity;
        w = warpReduce(w, op);
        if (lane == 0) scratch[0] = w;
    }
    __syncthreads();
    return scratch[0];
}

__device__ __forceinline__ float blockSum(float v, float* scratch) {
    return blockReduce(v, SumOp(), 0.0f, scratch);
}

__device__ __forceinline__ float blockMax(float v, float* scratch) {
    return blockReduce(v, MaxOp(), -INFINITY, scratch);
}

// The error function, with N. Juffa's minimax polynomials: the same steps as the CPU's ScalarMath.erf, so
// both backends agree to the last bit or two (expf is within 2 ulp of Java's correctly rounded exp).
__device__ __forceinline__ float erfJvit(float x) {
    float t = fabsf(x);
    float s = x * x;
    if (t > 0.927734375f) {
        float r = fmaf(-1.72853470e-5f, t, 3.83197126e-4f);
        float u = fmaf(-3.88396438e-3f, t, 2.42546219e-2f);
        r = fmaf(r, s, u);
        r = fmaf(r, t, -1.06777877e-1f);
        r = fmaf(r, t, -6.34846687e-1f);
        r = fmaf(r, t, -1.28717512e-1f);
        r = fmaf(r, t, -t);
        r = 1.0f - expf(r);
        return copysignf(r, x);
    }
    float r = -5.96761703e-4f;
    r = fmaf(r, s, 4.99119423e-3f);
    r = fmaf(r, s, -2.67681349e-2f);
    r = fmaf(r, s, 1.12819925e-1f);
    r = fmaf(r, s, -3.76125336e-1f);
    r = fmaf(r, s, 1.28379166e-1f);
    return fmaf(r, x, x);
}
