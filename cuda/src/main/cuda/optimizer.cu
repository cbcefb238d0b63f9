// Fused optimizer updates, the twins of ScalarKernels.adamUpdate and sgdUpdate: same scalars (computed in
// double on the Java side, then rounded), fmaf where the CPU calls Math.fma, IEEE sqrt and division. With
// -fmad=false nothing else is contracted, so a step gives the CPU's floats bit for bit.
#include "common.cuh"

extern "C" __global__ void adam_update(int n, float* p, const float* g, float* m, float* v, float beta1,
                                       float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                                       float l2, float decay, float stepSize, float bc2Sqrt) {
    FOR_EACH_INDEX(i, n) {
        float pi = p[i], gi = g[i];
        if (l2 != 0.0f) gi = fmaf(l2, pi, gi); // Adam: the L2 term joins the gradient
        pi *= decay;                            // AdamW: decoupled decay of the old value
        float mi = fmaf(beta1, m[i], oneMinusBeta1 * gi);
        float vi = fmaf(beta2, v[i], oneMinusBeta2 * gi * gi);
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) / bc2Sqrt + eps;
        p[i] = fmaf(-stepSize, mi / denom, pi);
    }
}

// buf may be absent (hasBuffer == 0, momentum 0).
extern "C" __global__ void sgd_update(int n, float* p, const float* g, int hasBuffer, float* buf, float lr,
                                      float momentum, float oneMinusDampening, int nesterov, float weightDecay,
                                      int firstStep) {
    FOR_EACH_INDEX(i, n) {
        float pi = p[i], d = g[i];
        if (weightDecay != 0.0f) d = fmaf(weightDecay, pi, d);
        if (hasBuffer) {
            float b = firstStep ? d : fmaf(momentum, buf[i], oneMinusDampening * d);
            buf[i] = b;
            d = nesterov ? fmaf(momentum, b, d) : b;
        }
        p[i] = fmaf(-lr, d, pi);
    }
}
