// Multi-head self-attention straight from timm's qkv projection: the twin of core/cpu's ScalarAttention
// (same layout, same order of operations: q is scaled before the dot products, the softmax divides).
// qkv is (B, N, 3, H, D) as rows of 3·H·D floats; out is (B, N, H·D); probs is (B, H, N, N).
// grid.y runs over the B·H heads, grid.x·blockDim.x over the rows of one head: one thread per query row
// (forward, dq) or key row (dk, dv), so no thread ever writes a row another thread writes. The scores of a
// row live in probs, which the backward needs anyway.
#include "common.cuh"

extern "C" __global__ void attention_forward(int n, int heads, int d, float scale, const float* qkv,
                                             float* probs, float* out) {
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int c = heads * d, rs = 3 * c;
    const float* base = qkv + (long long) b * n * rs + h * d;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        const float* q = base + (long long) i * rs;
        float* p = probs + ((long long) bh * n + i) * n;
        float m = -INFINITY;
        for (int j = 0; j < n; j++) {
            const float* k = base + (long long) j * rs + c;
            float s = 0.0f;
            for (int t = 0; t < d; t++) s += (q[t] * scale) * k[t];
            p[j] = s;
            m = maxNan(m, s);
        }
        float sum = 0.0f;
        for (int j = 0; j < n; j++) {
            float e = expf(p[j] - m);
            p[j] = e;
            sum += e;
        }
        for (int j = 0; j < n; j++) p[j] = p[j] / sum;
        float* o = out + ((long long) b * n + i) * c + h * d;
        for (int t = 0; t < d; t++) {
            float acc = 0.0f;
            for (int j = 0; j < n; j++) acc += p[j] * base[(long long) j * rs + 2 * c + t];
            o[t] = acc;
        }
    }
}

// dq = dS·k·scale row by row, with dS = P ∘ (dP − rowDot) and dP = dO·vᵀ; also leaves each row's
// rowDot = Σ_j P·dP for attention_backward_kv.
extern "C" __global__ void attention_backward_q(int n, int heads, int d, float scale, const float* qkv,
                                                const float* probs, const float* dout, float* rowDot,
                                                float* dqkv) {
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int c = heads * d, rs = 3 * c;
    const float* base = qkv + (long long) b * n * rs + h * d;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        const float* p = probs + ((long long) bh * n + i) * n;
        const float* g = dout + ((long long) b * n + i) * c + h * d;
        float dot = 0.0f;
        for (int j = 0; j < n; j++) {
            const float* v = base + (long long) j * rs + 2 * c;
            float dp = 0.0f;
            for (int t = 0; t < d; t++) dp += g[t] * v[t];
            dot += p[j] * dp;
        }
        float* dq = dqkv + ((long long) b * n + i) * rs + h * d;
        for (int t = 0; t < d; t++) dq[t] = 0.0f;
        for (int j = 0; j < n; j++) {
            const float* k = base + (long long) j * rs + c;
            const float* v = k + c;
            float dp = 0.0f;
            for (int t = 0; t < d; t++) dp += g[t] * v[t];
            float ds = p[j] * (dp - dot) * scale;
            for (int t = 0; t < d; t++) dq[t] += ds * k[t];
        }
        rowDot[(long long) bh * n + i] = dot;
    }
}

// dk = dSᵀ·q·scale and dv = Pᵀ·dO, one key row per thread.
extern "C" __global__ void attention_backward_kv(int n, int heads, int d, float scale, const float* qkv,
                                                 const float* probs, const float* dout, const float* rowDot,
                                                 float* dqkv) {
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int c = heads * d, rs = 3 * c;
    const float* base = qkv + (long long) b * n * rs + h * d;
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < n; j += gridDim.x * blockDim.x) {
        const float* v = base + (long long) j * rs + 2 * c;
        float* dk = dqkv + ((long long) b * n + j) * rs + c + h * d;
        float* dv = dk + c;
        for (int t = 0; t < d; t++) {
            dk[t] = 0.0f;
            dv[t] = 0.0f;
        }
        for (int i = 0; i < n; i++) {
            const float* q = base + (long long) i * rs;
            const float* g = dout + ((long long) b * n + i) * c + h * d;
            float pij = probs[((long long) bh * n + i) * n + j];
            float dp = 0.0f;
            for (int t = 0; t < d; t++) dp += g[t] * v[t];
            float ds = pij * (dp - rowDot[(long long) bh * n + i]) * scale;
            for (int t = 0; t < d; t++) {
                dk[t] += ds * q[t];
                dv[t] += pij * g[t];
            }
        }
    }
}
