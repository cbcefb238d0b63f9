package dev.jvit.core.cpu;

/**
 * The reference loops of one attention head, forward and backward: what {@link SimdAttention} is tested
 * against. Row i of q, k and v starts at qkv[qBase + i·rs], qkv[kBase + i·rs], qkv[vBase + i·rs] and holds D
 * contiguous floats (the head's slice of timm's (B, N, 3, H, D) qkv row); probs is the head's N x N block.
 * q is scaled before the dot products, as the composed path (q·scale)·kᵀ does.
 */
final class ScalarAttention {
    private ScalarAttention() {}

    static void forward(ScalarKernels kernels, float[] qkv, int qBase, int kBase, int vBase, int rs, int n, int d,
                        float scale, float[] probs, int pOff, float[] out, int oOff, int ors) {
        for (int i = 0; i < n; i++) {
            int p = pOff + i * n, q = qBase + i * rs;
            for (int j = 0; j < n; j++) {
                int k = kBase + j * rs;
                float s = 0f;
                for (int t = 0; t < d; t++) s += (qkv[q + t] * scale) * qkv[k + t];
                probs[p + j] = s;
            }
            kernels.softmaxRow(probs, p, probs, p, n);
            int o = oOff + i * ors;
            for (int t = 0; t < d; t++) {
                float acc = 0f;
                for (int j = 0; j < n; j++) acc += probs[p + j] * qkv[vBase + j * rs + t];
                out[o + t] = acc;
            }
        }
    }

    /**
     * dq, dk, dv of one head into dqkv (same layout and row stride as qkv), given the forward's probs and dOut
     * rows at dOut[dBase + i·drs]. dp is scratch of at least N floats.
     */
    static void backward(float[] qkv, int qBase, int kBase, int vBase, int rs, int n, int d, float scale,
                         float[] probs, int pOff, float[] dOut, int dBase, int drs,
                         float[] dqkv, int dqBase, int dkBase, int dvBase, float[] dp) {
        for (int j = 0; j < n; j++) {
            for (int t = 0; t < d; t++) {
                dqkv[dkBase + j * rs + t] = 0f;
                dqkv[dvBase + j * rs + t] = 0f;
            }
        }
        for (int i = 0; i < n; i++) {
            int p = pOff + i * n, q = qBase + i * rs, g = dBase + i * drs, dq = dqBase + i * rs;
            float rowDot = 0f;
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int t = 0; t < d; t++) s += dOut[g + t] * qkv[vBase + j * rs + t];
                dp[j] = s;
                rowDot += probs[p + j] * s;
            }
            for (int t = 0; t < d; t++) dqkv[dq + t] = 0f;
            for (int j = 0; j < n; j++) {
                float pij = probs[p + j];
                float ds = pij * (dp[j] - rowDot) * scale; // dS of the softmax, times the scale of q·kᵀ
                int k = kBase + j * rs, dk = dkBase + j * rs, dv = dvBase + j * rs;
                for (int t = 0; t < d; t++) {
                    dqkv[dq + t] += ds * qkv[k + t];
                    dqkv[dk + t] += ds * qkv[q + t];
                    dqkv[dv + t] += pij * dOut[g + t];
                }
            }
        }
    }
}
