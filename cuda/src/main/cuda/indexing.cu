// indexSelect, indexAdd, gather and scatterAdd: the twins of CpuIndexing. Moves work on 32-bit patterns, so
// the same kernels serve FLOAT32 and INT32 data; the adds are float. NDArray has checked every index.
#include "common.cuh"

// out[p, i, q] = x[p, index[i], q] with x contiguous as (pre, size, post) and out as (pre, len, post).
extern "C" __global__ void index_select(int pre, int size, int len, int post, const unsigned int* x,
                                        const int* index, unsigned int* out) {
    long long n = (long long) pre * len * post;
    FOR_EACH_INDEX(e, n) {
        int q = (int) (e % post);
        long long t = e / post;
        int i = (int) (t % len), p = (int) (t / len);
        out[e] = x[((long long) p * size + index[i]) * post + q];
    }
}

// dst[p, index[i], q] += src[p, i, q], both contiguous. Repeated indices meet in atomicAdd, so their order
// (and the last bits of the sum) may vary between runs.
extern "C" __global__ void index_add(int pre, int size, int len, int post, float* dst, const int* index,
                                     const float* src) {
    long long n = (long long) pre * len * post;
    FOR_EACH_INDEX(e, n) {
        int q = (int) (e % post);
        long long t = e / post;
        int i = (int) (t % len), p = (int) (t / len);
        atomicAdd(&dst[((long long) p * size + index[i]) * post + q], src[e]);
    }
}

// Over the index's shape: operand 0 is out, 1 the index, 2 the source x with stride 0 along dim;
// out = x[off + index * step].
extern "C" __global__ void gather_nd(int n, Layout L, unsigned int* out, const int* index,
                                     const unsigned int* x, int step) {
    FOR_EACH_INDEX(e, n) {
        int off[3];
        layoutOffsets<3>(L, e, off);
        out[off[0]] = x[off[2] + (long long) index[off[1]] * step];
    }
}

// Over the index's shape: operand 0 is src, 1 the index, 2 the destination with stride 0 along dim.
extern "C" __global__ void scatter_add_nd(int n, Layout L, const float* src, const int* index, float* dst,
                                          int step) {
    FOR_EACH_INDEX(e, n) {
        int off[3];
        layoutOffsets<3>(L, e, off);
        atomicAdd(&dst[off[2] + (long long) index[off[1]] * step], src[off[0]]);
    }
}
