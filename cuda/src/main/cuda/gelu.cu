// GELU in both of PyTorch's forms and its derivative: the twins of ScalarMath.geluErf/geluTanh and their
// derivatives, over contiguous arrays.
#include "common.cuh"

#define SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_TANH_C 0.044715f
#define INV_SQRT_2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

__device__ __forceinline__ float geluValue(int useTanh, float x) {
    if (useTanh) {
        float u = SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x);
        return 0.5f * x * (1.0f + tanhf(u));
    }
    return 0.5f * x * (1.0f + erfJvit(x * INV_SQRT_2));
}

__device__ __forceinline__ float geluDerivative(int useTanh, float x) {
    if (useTanh) {
        float x2 = x * x;
        float u = SQRT_2_OVER_PI * (x + GELU_TANH_C * x2 * x);
        float t = tanhf(u);
        float du = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_TANH_C * x2);
        return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du;
    }
    float cdf = 0.5f * (1.0f + erfJvit(x * INV_SQRT_2));
    float pdf = INV_SQRT_2PI * expf(-0.5f * x * x);
    return cdf + x * pdf;
}

extern "C" __global__ void gelu_forward(int useTanh, int n, const float* x, float* y) {
    FOR_EACH_INDEX(i, n) y[i] = geluValue(useTanh, x[i]);
}

extern "C" __global__ void gelu_backward(int useTanh, int n, const float* x, const float* dy, float* dx) {
    FOR_EACH_INDEX(i, n) dx[i] = dy[i] * geluDerivative(useTanh, x[i]);
}
