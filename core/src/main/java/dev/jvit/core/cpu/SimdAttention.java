package dev.jvit.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One attention head with the Vector API; {@link ScalarAttention} is its twin and has the layout. A head of a
 * small ViT is tiny (N = 50 tokens, D = 16: a 10 KB score block), so everything stays in L1 and what matters
 * is the loop shape. Every product here is one of two forms, each computed four rows at a time so that four
 * independent FMA chains hide the FMA latency (one chain per row ran at a third of the speed):
 * <ul>
 *   <li>{@link #rowsDotRows}: C[i, j] = Σ_t A[i, t]·B[j, t] (scores q·kᵀ, and dP = dO·vᵀ), vectorised over j
 *       after copying B transposed into scratch, so there are no lane reductions;</li>
 *   <li>{@link #coefTimesRows}: O[i, :] = Σ_j W[i, j]·X[j, :] (P·v, dS·k, dSᵀ·q, Pᵀ·dO), vectorised over the head
 *       width D; W may be read transposed, which is how dk and dv avoid a read-modify-write per key.</li>
 * </ul>
 * Head-width columns that do not fill a vector (all of them for a head width of 4) are vectorised over rows
 * instead ({@link #narrowColumns}); the last N mod L scores of a row take a scalar loop. The batched-GEMM path this replaces packed every 50 x 16 operand into panels and round-tripped the
 * scores through memory three times (matmul, softmax, matmul).
 */
final class SimdAttention {
    private static final VectorSpecies<Float> S = SimdMath.SPECIES;
    private static final int L = S.length();

    private SimdAttention() {}

    static void forward(float[] qkv, int qBase, int kBase, int vBase, int rs, int n, int d,
                        float scale, float[] probs, int pOff, float[] out, int oOff, int ors, float[] scratch) {
        rowsDotRows(qkv, qBase, rs, qkv, kBase, rs, n, d, scale, probs, pOff, scratch);
        int pad = d * n + 2 * n * n + 16; // the padded row, after everything else (see CpuKernels.attentionScratch)
        for (int i = 0; i < n; i++) softmaxRow(probs, pOff + i * n, n, scratch, pad);
        coefTimesRows(probs, pOff, n, 1, qkv, vBase, rs, n, d, out, oOff, ors, scratch);
    }

    static void backward(float[] qkv, int qBase, int kBase, int vBase, int rs, int n, int d, float scale,
                         float[] probs, int pOff, float[] dOut, int dBase, int drs,
                         float[] dqkv, int dqBase, int dkBase, int dvBase, float[] scratch) {
        int ds = d * n; // the N x N block of dP, then dS, after the transposed operand
        rowsDotRows(dOut, dBase, drs, qkv, vBase, rs, n, d, 1f, scratch, ds, scratch);
        for (int i = 0; i < n; i++) {
            int p = pOff + i * n, g = ds + i * n;
            float rowDot = 0f;
            for (int j = 0; j < n; j++) rowDot += probs[p + j] * scratch[g + j];
            // dS of the softmax, times the scale of q·kᵀ (so dq and dk need no further scaling)
            for (int j = 0; j < n; j++) scratch[g + j] = probs[p + j] * (scratch[g + j] - rowDot) * scale;
        }
        coefTimesRows(scratch, ds, n, 1, qkv, kBase, rs, n, d, dqkv, dqBase, rs, scratch); // dq = dS·k
        coefTimesRows(scratch, ds, 1, n, qkv, qBase, rs, n, d, dqkv, dkBase, rs, scratch); // dk = dSᵀ·q
        coefTimesRows(probs, pOff, 1, n, dOut, dBase, drs, n, d, dqkv, dvBase, rs, scratch); // dv = Pᵀ·dO
    }

    /**
     * Softmax of c[off, off + n) in place, through a copy in scratch padded with -inf to a whole number of
     * vectors: exp(-inf) is 0, so every pass runs on full vectors with no scalar tail (a row of 50 scores
     * otherwise spends as long on its last 2 as on the other 48). The lane sum is taken in a fixed order.
     */
    private static void softmaxRow(float[] c, int off, int n, float[] scratch, int pad) {
        int np = (n + L - 1) / L * L;
        System.arraycopy(c, off, scratch, pad, n);
        java.util.Arrays.fill(scratch, pad + n, pad + np, Float.NEGATIVE_INFINITY);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < np; j += L) m = m.max(FloatVector.fromArray(S, scratch, pad + j));
        FloatVector max = FloatVector.broadcast(S, m.reduceLanes(VectorOperators.MAX)); // max: order-free
        for (int j = 0; j < np; j += L) FloatVector.fromArray(S, scratch, pad + j).sub(max).intoArray(scratch, pad + j);
        SimdMath.exp(scratch, pad, scratch, pad, np);
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < np; j += L) sum = sum.add(FloatVector.fromArray(S, scratch, pad + j));
        float total = 0f;
        for (int l = 0; l < L; l++) total += sum.lane(l);
        FloatVector inv = FloatVector.broadcast(S, 1f / total);
        for (int j = 0; j < np; j += L) FloatVector.fromArray(S, scratch, pad + j).mul(inv).intoArray(scratch, pad + j);
        System.arraycopy(scratch, pad, c, off, n);
    }

    /**
     * c[cOff + i·n + j] = Σ_t (a[aBase + i·ars + t]·scale)·b[bBase + j·brs + t] for i, j in [0, n), t in [0, d).
     * B is first copied transposed into scratch[0, d·n).
     */
    private static void rowsDotRows(float[] a, int aBase, int ars, float[] b, int bBase, int brs, int n, int d,
                                    float scale, float[] c, int cOff, float[] scratch) {
        for (int j = 0; j < n; j++) {
            int r = bBase + j * brs;
            for (int t = 0; t < d; t++) scratch[t * n + j] = b[r + t];
        }
        int jb = S.loopBound(n);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int a0 = aBase + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            for (int j = 0; j < jb; j += L) {
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int t = 0; t < d; t++) {
                    FloatVector bt = FloatVector.fromArray(S, scratch, t * n + j);
                    c0 = FloatVector.broadcast(S, a[a0 + t] * scale).fma(bt, c0);
                    c1 = FloatVector.broadcast(S, a[a1 + t] * scale).fma(bt, c1);
                    c2 = FloatVector.broadcast(S, a[a2 + t] * scale).fma(bt, c2);
                    c3 = FloatVector.broadcast(S, a[a3 + t] * scale).fma(bt, c3);
                }
                int o = cOff + i * n + j;
                c0.intoArray(c, o);
                c1.intoArray(c, o + n);
                c2.intoArray(c, o + 2 * n);
                c3.intoArray(c, o + 3 * n);
            }
        }
        for (; i < n; i++) {
            int a0 = aBase + i * ars;
            for (int j = 0; j < jb; j += L) {
                FloatVector c0 = FloatVector.zero(S);
                for (int t = 0; t < d; t++) {
                    c0 = FloatVector.broadcast(S, a[a0 + t] * scale).fma(FloatVector.fromArray(S, scratch, t * n + j), c0);
                }
                c0.intoArray(c, cOff + i * n + j);
            }
        }
        for (i = 0; i < n; i++) {
            int a0 = aBase + i * ars;
            for (int j = jb; j < n; j++) {
                float s = 0f;
                for (int t = 0; t < d; t++) s += (a[a0 + t] * scale) * scratch[t * n + j];
                c[cOff + i * n + j] = s;
            }
        }
    }

    /**
     * o[oBase + i·ors + t] = Σ_j w[wOff + i·wrs + j·wcs]·x[xBase + j·xrs + t] for i, j in [0, n), t in [0, d):
     * with (wrs, wcs) = (n, 1) W is read as stored, with (1, n) transposed.
     */
    private static void coefTimesRows(float[] w, int wOff, int wrs, int wcs, float[] x, int xBase, int xrs, int n,
                                      int d, float[] o, int oBase, int ors, float[] scratch) {
        int tb = d - d % L;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int w0 = wOff + i * wrs, w1 = w0 + wrs, w2 = w1 + wrs, w3 = w2 + wrs;
            for (int t = 0; t < tb; t += L) {
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int j = 0; j < n; j++) {
                    FloatVector xj = FloatVector.fromArray(S, x, xBase + j * xrs + t);
                    int wj = j * wcs;
                    c0 = FloatVector.broadcast(S, w[w0 + wj]).fma(xj, c0);
                    c1 = FloatVector.broadcast(S, w[w1 + wj]).fma(xj, c1);
                    c2 = FloatVector.broadcast(S, w[w2 + wj]).fma(xj, c2);
                    c3 = FloatVector.broadcast(S, w[w3 + wj]).fma(xj, c3);
                }
                int r = oBase + i * ors + t;
                c0.intoArray(o, r);
                c1.intoArray(o, r + ors);
                c2.intoArray(o, r + 2 * ors);
                c3.intoArray(o, r + 3 * ors);
            }
        }
        for (; i < n; i++) {
            int w0 = wOff + i * wrs;
            for (int t = 0; t < tb; t += L) {
                FloatVector c0 = FloatVector.zero(S);
                for (int j = 0; j < n; j++) {
                    c0 = FloatVector.broadcast(S, w[w0 + j * wcs]).fma(FloatVector.fromArray(S, x, xBase + j * xrs + t), c0);
                }
                c0.intoArray(o, oBase + i * ors + t);
            }
        }
        if (tb < d) narrowColumns(w, wOff, wrs, wcs, x, xBase, xrs, n, tb, d, o, oBase, ors, scratch);
    }

    /**
     * The columns t in [t0, d) of {@link #coefTimesRows} when they are fewer than a vector (a head width of 4
     * in the course's dim-8 model, or the remainder of an odd width): vectorised over the output rows i
     * instead, L rows at a time, with W's columns made contiguous over i first (copied transposed into
     * scratch after the two regions the callers use, unless W is already read transposed). Two accumulators
     * over alternate j hide the FMA latency; the last n mod L rows take a scalar loop.
     */
    private static void narrowColumns(float[] w, int wOff, int wrs, int wcs, float[] x, int xBase, int xrs, int n,
                                      int t0, int d, float[] o, int oBase, int ors, float[] scratch) {
        int free = d * n + n * n; // after the transposed operand and the N x N block (see CpuKernels.attentionScratch)
        float[] wt = w;
        int wtOff = wOff, colStride = wcs;
        if (wrs != 1) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) scratch[free + j * n + i] = w[wOff + i * wrs + j * wcs];
            }
            wt = scratch;
            wtOff = free;
            colStride = n;
        }
        int lanes = free + n * n; // L floats to spill one accumulator to
        int ib = S.loopBound(n);
        for (int i = 0; i < ib; i += L) {
            for (int t = t0; t < d; t++) {
                FloatVector c0 = FloatVector.zero(S), c1 = c0;
                int j = 0;
                for (; j + 1 < n; j += 2) {
                    c0 = FloatVector.fromArray(S, wt, wtOff + j * colStride + i)
                            .fma(FloatVector.broadcast(S, x[xBase + j * xrs + t]), c0);
                    c1 = FloatVector.fromArray(S, wt, wtOff + (j + 1) * colStride + i)
                            .fma(FloatVector.broadcast(S, x[xBase + (j + 1) * xrs + t]), c1);
                }
                if (j < n) {
                    c0 = FloatVector.fromArray(S, wt, wtOff + j * colStride + i)
                            .fma(FloatVector.broadcast(S, x[xBase + j * xrs + t]), c0);
                }
                c0.add(c1).intoArray(scratch, lanes);
                for (int l = 0; l < L; l++) o[oBase + (i + l) * ors + t] = scratch[lanes + l];
            }
        }
        for (int i = ib; i < n; i++) {
            for (int t = t0; t < d; t++) {
                float s = 0f;
                for (int j = 0; j < n; j++) s += wt[wtOff + j * colStride + i] * x[xBase + j * xrs + t];
                o[oBase + i * ors + t] = s;
            }
        }
    }
}
