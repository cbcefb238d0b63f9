// Elementwise kernels, the twins of CpuBackend's unary/binary/where/powScalar/copy/fill loops. Each op has
// a "_1d" form for a walk that collapsed to one dimension (contiguous arrays, or contiguous with a
// broadcast scalar: the strides are 1 or 0) and an "_nd" form that takes a Layout of up to 8 dimensions.
// The op codes are the constants below; CudaKernelCodes on the Java side maps the enums onto them.
#include "common.cuh"

// UnaryOp codes
#define U_NEG 0
#define U_EXP 1
#define U_LOG 2
#define U_SQRT 3
#define U_RSQRT 4
#define U_TANH 5
#define U_ERF 6
#define U_ABS 7
#define U_RELU 8
#define U_SIGMOID 9
#define U_STEP 10

// BinaryOp codes
#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_MAX 4
#define B_MIN 5
#define B_POW 6
#define B_EQ 7
#define B_NE 8
#define B_LT 9
#define B_LE 10
#define B_GT 11
#define B_GE 12

__device__ __forceinline__ float unaryApply(int op, float v) {
    switch (op) {
        case U_NEG: return -v;
        case U_EXP: return expf(v);
        case U_LOG: return logf(v);
        case U_SQRT: return sqrtf(v);
        case U_RSQRT: return 1.0f / sqrtf(v); // IEEE sqrt and division, not the approximate rsqrtf
        case U_TANH: return tanhf(v);
        case U_ERF: return erfJvit(v);
        case U_ABS: return fabsf(v);
        case U_RELU: return v != v ? v : fmaxf(v, 0.0f); // NaN stays NaN, as torch.relu and Math.max
        case U_SIGMOID: return 1.0f / (1.0f + expf(-v));
        case U_STEP: return v > 0.0f ? 1.0f : 0.0f;
        default: return __int_as_float(0x7fc00000);
    }
}

__device__ __forceinline__ float binaryApply(int op, float x, float y) {
    switch (op) {
        case B_ADD: return x + y;
        case B_SUB: return x - y;
        case B_MUL: return x * y;
        case B_DIV: return x / y;
        case B_MAX: return maxNan(x, y);
        case B_MIN: return minNan(x, y);
        case B_POW: return powf(x, y);
        case B_EQ: return x == y ? 1.0f : 0.0f;
        case B_NE: return x != y ? 1.0f : 0.0f;
        case B_LT: return x < y ? 1.0f : 0.0f;
        case B_LE: return x <= y ? 1.0f : 0.0f;
        case B_GT: return x > y ? 1.0f : 0.0f;
        case B_GE: return x >= y ? 1.0f : 0.0f;
        default: return __int_as_float(0x7fc00000);
    }
}

extern "C" __global__ void unary_1d(int op, int n, float* out, int so, const float* x, int sx) {
    FOR_EACH_INDEX(i, n) out[i * so] = unaryApply(op, x[i * sx]);
}

extern "C" __global__ void unary_nd(int op, int n, Layout L, float* out, const float* x) {
    FOR_EACH_INDEX(i, n) {
        int off[2];
        layoutOffsets<2>(L, i, off);
        out[off[0]] = unaryApply(op, x[off[1]]);
    }
}

extern "C" __global__ void pow_scalar_1d(float exponent, int n, float* out, int so, const float* x, int sx) {
    FOR_EACH_INDEX(i, n) out[i * so] = powf(x[i * sx], exponent);
}

extern "C" __global__ void pow_scalar_nd(float exponent, int n, Layout L, float* out, const float* x) {
    FOR_EACH_INDEX(i, n) {
        int off[2];
        layoutOffsets<2>(L, i, off);
        out[off[0]] = powf(x[off[1]], exponent);
    }
}

extern "C" __global__ void binary_1d(int op, int n, float* out, int so, const float* a, int sa,
                                     const float* b, int sb) {
    FOR_EACH_INDEX(i, n) out[i * so] = binaryApply(op, a[i * sa], b[i * sb]);
}

extern "C" __global__ void binary_nd(int op, int n, Layout L, float* out, const float* a, const float* b) {
    FOR_EACH_INDEX(i, n) {
        int off[3];
        layoutOffsets<3>(L, i, off);
        out[off[0]] = binaryApply(op, a[off[1]], b[off[2]]);
    }
}

// cond may be FLOAT32 or INT32; condIsInt says which, and the bits are read accordingly.
extern "C" __global__ void where_nd(int condIsInt, int n, Layout L, float* out, const void* cond,
                                    const float* a, const float* b) {
    FOR_EACH_INDEX(i, n) {
        int off[4];
        layoutOffsets<4>(L, i, off);
        bool c = condIsInt ? ((const int*) cond)[off[1]] != 0 : ((const float*) cond)[off[1]] != 0.0f;
        out[off[0]] = c ? a[off[2]] : b[off[3]];
    }
}

// Copies with conversion. Float to int truncates toward zero, as Java's (int) cast and torch do; Java also
// maps NaN to 0 and clamps out-of-range values, which __float2int_rz does too.
template <typename S, typename D>
__device__ __forceinline__ D convert(S v) { return (D) v; }
template <>
__device__ __forceinline__ int convert<float, int>(float v) { return v != v ? 0 : __float2int_rz(v); }

#define COPY_KERNELS(NAME, S, D)                                                                     \
    extern "C" __global__ void NAME##_1d(int n, D* out, int so, const S* x, int sx) {                \
        FOR_EACH_INDEX(i, n) out[i * so] = convert<S, D>(x[i * sx]);                                 \
    }                                                                                                \
    extern "C" __global__ void NAME##_nd(int n, Layout L, D* out, const S* x) {                      \
        FOR_EACH_INDEX(i, n) {                                                                       \
            int off[2];                                                                              \
            layoutOffsets<2>(L, i, off);                                                             \
            out[off[0]] = convert<S, D>(x[off[1]]);                                                  \
        }                                                                                            \
    }

COPY_KERNELS(copy_f32_f32, float, float)
COPY_KERNELS(copy_i32_i32, int, int)
COPY_KERNELS(copy_f32_i32, float, int)
COPY_KERNELS(copy_i32_f32, int, float)

// Fill writes 32-bit patterns, so one kernel serves FLOAT32 and INT32 (the Java side passes the bits).
extern "C" __global__ void fill_1d(int n, unsigned int* out, int so, unsigned int bits) {
    FOR_EACH_INDEX(i, n) out[i * so] = bits;
}

extern "C" __global__ void fill_nd(int n, Layout L, unsigned int* out, unsigned int bits) {
    FOR_EACH_INDEX(i, n) {
        int off[1];
        layoutOffsets<1>(L, i, off);
        out[off[0]] = bits;
    }
}
