package dev.jvit.core.cpu;

import dev.jvit.core.backend.BinaryOp;
import dev.jvit.core.backend.GeluApproximation;
import dev.jvit.core.backend.ReduceOp;
import dev.jvit.core.backend.UnaryOp;

/**
 * The reference row kernels: one plain loop per operation, written to be obviously right rather than fast.
 * {@link SimdKernels} is compared against these in tests, and {@code -Djvit.cpu.kernels=scalar} runs the whole
 * engine on them. Sums accumulate in float in index order, as PyTorch's float32 kernels do; only the layer-norm
 * statistics use a double accumulator (the mean and variance of a long row lose digits in float).
 */
public final class ScalarKernels implements CpuKernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xOff, int xStride, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = apply(op, x[xOff + i * xStride]);
    }

    @Override
    public void dropout(float[] x, int xOff, float[] out, int outOff, int from, int to, long key, int threshold,
                        float scale) {
        int k0 = (int) key, k1 = (int) (key >>> 32);
        for (int i = from; i < to; i++) out[outOff + i] = x[xOff + i] * (dropoutBits(k0, k1, i) >= threshold ? scale : 0f);
    }

    /** The multipliers of {@link #dropoutBits}, shared with its SIMD twin. */
    static final int HASH_GOLDEN = 0x9E3779B9, HASH_MIX1 = 0x85EBCA6B, HASH_MIX2 = 0xC2B2AE35;

    /**
     * 24 random bits for element i of the mask keyed by (k0, k1): murmur3's 32-bit finaliser over the index's
     * golden-ratio multiple, with the key's two halves mixed in before and between the rounds. 32-bit lanes,
     * so the SIMD twin computes it eight or sixteen elements at a time (a 64-bit multiply has no AVX2 form).
     */
    static int dropoutBits(int k0, int k1, int i) {
        int x = i * HASH_GOLDEN + k0;
        x = (x ^ (x >>> 16)) * HASH_MIX1;
        x ^= k1;
        x = (x ^ (x >>> 13)) * HASH_MIX2;
        return (x ^ (x >>> 16)) >>> 8;
    }

    static float apply(UnaryOp op, float v) {
        return switch (op) {
            case NEG -> -v;
            case EXP -> (float) Math.exp(v);
            case LOG -> (float) Math.log(v);
            case SQRT -> (float) Math.sqrt(v);
            case RSQRT -> (float) (1.0 / Math.sqrt(v));
            case TANH -> (float) Math.tanh(v);
            case ERF -> ScalarMath.erf(v);
            case ABS -> Math.abs(v);
            case RELU -> Math.max(v, 0f); // Math.max keeps NaN, as torch.relu does
            case SIGMOID -> ScalarMath.sigmoid(v);
            case STEP -> v > 0f ? 1f : 0f;
        };
    }

    @Override
    public void powScalar(float[] x, int xOff, int xStride, float exponent, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.pow(x[xOff + i * xStride], exponent);
    }

    @Override
    public void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                       float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = apply(op, a[aOff + i * aStride], b[bOff + i * bStride]);
    }

    static float apply(BinaryOp op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y); // NaN propagates, as in torch.maximum
            case MIN -> Math.min(x, y);
            case POW -> (float) Math.pow(x, y);
            case EQ -> x == y ? 1f : 0f;
            case NE -> x != y ? 1f : 0f;
            case LT -> x < y ? 1f : 0f;
            case LE -> x <= y ? 1f : 0f;
            case GT -> x > y ? 1f : 0f;
            case GE -> x >= y ? 1f : 0f;
        };
    }

    @Override
    public float sum(float[] x, int off, int stride, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[off + i * stride];
        return s;
    }

    @Override
    public float max(float[] x, int off, int stride, int n) {
        float m = x[off];
        for (int i = 1; i < n; i++) m = Math.max(m, x[off + i * stride]);
        return m;
    }

    @Override
    public float min(float[] x, int off, int stride, int n) {
        float m = x[off];
        for (int i = 1; i < n; i++) m = Math.min(m, x[off + i * stride]);
        return m;
    }

    @Override
    public void accumulate(ReduceOp op, float[] x, int xOff, int xStride, float[] acc, int accOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i * xStride];
            float a = acc[accOff + i];
            acc[accOff + i] = switch (op) {
                case SUM, MEAN -> a + v;
                case MAX -> Math.max(a, v);
                case MIN -> Math.min(a, v);
            };
        }
    }

    @Override
    public void attentionHead(float[] qkv, int qBase, int kBase, int vBase, int rowStride, int n, int d, float scale,
                              float[] probs, int pOff, float[] out, int oOff, int outRowStride, float[] scratch) {
        ScalarAttention.forward(this, qkv, qBase, kBase, vBase, rowStride, n, d, scale, probs, pOff, out, oOff, outRowStride);
    }

    @Override
    public void attentionHeadBackward(float[] qkv, int qBase, int kBase, int vBase, int rowStride, int n, int d,
                                      float scale, float[] probs, int pOff, float[] dOut, int dBase, int dRowStride,
                                      float[] dqkv, int dqBase, int dkBase, int dvBase, float[] scratch) {
        ScalarAttention.backward(qkv, qBase, kBase, vBase, rowStride, n, d, scale, probs, pOff, dOut, dBase, dRowStride,
                dqkv, dqBase, dkBase, dvBase, scratch);
    }

    @Override
    public void softmaxRow(float[] x, int xOff, float[] out, int outOff, int n) {
        float max = max(x, xOff, 1, n);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - max);
            out[outOff + i] = e;
            sum += e;
        }
        for (int i = 0; i < n; i++) out[outOff + i] /= sum;
    }

    @Override
    public void logSoftmaxRow(float[] x, int xOff, float[] out, int outOff, int n) {
        float max = max(x, xOff, 1, n);
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += (float) Math.exp(x[xOff + i] - max);
        float logSum = (float) Math.log(sum);
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] - max - logSum;
    }

    @Override
    public void softmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        float dot = 0f;
        for (int i = 0; i < n; i++) dot += dy[dyOff + i] * y[yOff + i];
        for (int i = 0; i < n; i++) dx[dxOff + i] = y[yOff + i] * (dy[dyOff + i] - dot);
    }

    @Override
    public void logSoftmaxBackwardRow(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += dy[dyOff + i];
        for (int i = 0; i < n; i++) dx[dxOff + i] = dy[dyOff + i] - (float) Math.exp(y[yOff + i]) * sum;
    }

    @Override
    public void layerNormRow(float[] x, int xOff, float[] w, float[] b, float eps, float[] y, int yOff, int n,
                             float[] mean, float[] rstd, int row) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        double mu = s / n;
        double ss = 0; // two passes: sum of squared deviations, not E[x^2] - E[x]^2, which cancels
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mu;
            ss += d * d;
        }
        float m = (float) mu;
        float r = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            float v = (x[xOff + i] - m) * r;
            if (w != null) v *= w[i];
            if (b != null) v += b[i];
            y[yOff + i] = v;
        }
        mean[row] = m;
        rstd[row] = r;
    }

    @Override
    public void layerNormBackwardRow(float[] dy, int dyOff, float[] x, int xOff, float[] w, float mean, float rstd,
                                     float[] dx, int dxOff, float[] dw, float[] db, int n) {
        // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * w (llm.c's layernorm_backward)
        float gMean = 0f, gxMean = 0f;
        for (int i = 0; i < n; i++) {
            float xhat = (x[xOff + i] - mean) * rstd;
            float g = w == null ? dy[dyOff + i] : dy[dyOff + i] * w[i];
            gMean += g;
            gxMean += g * xhat;
        }
        gMean /= n;
        gxMean /= n;
        for (int i = 0; i < n; i++) {
            float d = dy[dyOff + i];
            float xhat = (x[xOff + i] - mean) * rstd;
            float g = w == null ? d : d * w[i];
            if (db != null) db[i] += d;
            if (dw != null) dw[i] += d * xhat;
            dx[dxOff + i] = (g - gMean - xhat * gxMean) * rstd;
        }
    }

    @Override
    public void gelu(GeluApproximation approximation, float[] x, int xOff, float[] out, int outOff, int n) {
        if (approximation == GeluApproximation.TANH) {
            for (int i = 0; i < n; i++) out[outOff + i] = ScalarMath.geluTanh(x[xOff + i]);
        } else {
            for (int i = 0; i < n; i++) out[outOff + i] = ScalarMath.geluErf(x[xOff + i]);
        }
    }

    @Override
    public void geluBackward(GeluApproximation approximation, float[] x, int xOff, float[] dy, int dyOff,
                             float[] dx, int dxOff, int n) {
        if (approximation == GeluApproximation.TANH) {
            for (int i = 0; i < n; i++) dx[dxOff + i] = dy[dyOff + i] * ScalarMath.geluTanhDerivative(x[xOff + i]);
        } else {
            for (int i = 0; i < n; i++) dx[dxOff + i] = dy[dyOff + i] * ScalarMath.geluErfDerivative(x[xOff + i]);
        }
    }

    // ---- optimizer updates ----------------------------------------------------------------------------

    @Override
    public void adamUpdate(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                           float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float l2,
                           float decay, float stepSize, float bc2Sqrt) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i], gi = g[gOff + i];
            if (l2 != 0f) gi = Math.fma(l2, pi, gi); // Adam: the L2 term joins the gradient
            pi *= decay;                              // AdamW: decoupled decay of the old value
            float mi = Math.fma(beta1, m[mOff + i], oneMinusBeta1 * gi);
            float vi = Math.fma(beta2, v[vOff + i], oneMinusBeta2 * gi * gi);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[pOff + i] = Math.fma(-stepSize, mi / denom, pi);
        }
    }

    @Override
    public void sgdUpdate(float[] p, int pOff, float[] g, int gOff, float[] buf, int bufOff, int n, float lr,
                          float momentum, float oneMinusDampening, boolean nesterov, float weightDecay,
                          boolean firstStep) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i], d = g[gOff + i];
            if (weightDecay != 0f) d = Math.fma(weightDecay, pi, d);
            if (buf != null) {
                float b = firstStep ? d : Math.fma(momentum, buf[bufOff + i], oneMinusDampening * d);
                buf[bufOff + i] = b;
                d = nesterov ? Math.fma(momentum, b, d) : b;
            }
            p[pOff + i] = Math.fma(-lr, d, pi);
        }
    }
}
