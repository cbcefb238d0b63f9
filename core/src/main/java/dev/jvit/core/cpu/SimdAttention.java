package dev.jvit.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One attention head with the Vector API; {@link ScalarAttention} is its twin and has the layout. A head of a
 * small ViT is tiny (N = 50 tokens, D = 16: a 10 KB score block), so everything stays in L1 and what matters
 * is the loop shape.
 *
 * <p>The scores and their gradients live in scratch with rows padded to whole vectors (NP = N rounded up), so
 * no pass over them has a scalar tail: the padding of a score row is masked to -inf as its softmax reads it and
 * comes out as 0, and the padding of dP is 0. The probabilities are written once, straight into the output
 * (rows N apart, each row's last N mod L entries through a mask), and the products and the backward read them
 * there. Every product is one of two forms, each computed four rows at a time so that four
 * independent FMA chains hide the FMA latency; where N is not a multiple of four the last block overlaps the
 * one before it (it rewrites three rows with the same values) instead of falling to a slower loop:
 * <ul>
 *   <li>{@link #rowsTimesColumns}: C[i, j] = Σ_t A[i, t]·Bᵀ[t, j] (scores q·kᵀ, and dP = dO·vᵀ), vectorised over
 *       j on B copied transposed (and padded with zeros) into scratch, two vectors of j per pass;</li>
 *   <li>{@link #coefTimesRows}: O[i, :] = Σ_j W[i, j]·X[j, :] (P·v, dS·k, dSᵀ·q, Pᵀ·dO), vectorised over the head
 *       width D: two vectors at a time, then one, then a four-lane vector (all of a head width of 4), then
 *       scalar columns. W may be read transposed, which is how dk and dv avoid a read-modify-write per key.</li>
 * </ul>
 * Every broadcast operand is read straight from memory (q is scaled once into scratch rather than per
 * product), which keeps the broadcasts off the shuffle port. The batched-GEMM path this replaces packed every
 * 50 x 16 operand into panels and round-tripped the scores through memory three times (matmul, softmax,
 * matmul).
 */
final class SimdAttention {
    private static final VectorSpecies<Float> S = SimdMath.SPECIES;
    private static final int L = S.length();
    /** Four-lane vectors for head widths (or their rests) narrower than S, such as the course model's D = 4. */
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;

    private SimdAttention() {}

    /** N rounded up to whole vectors of the widest shape, so scratch sizes do not depend on the CPU. */
    static int paddedRow(int n) {
        return (n + 15) / 16 * 16;
    }

    /**
     * Scratch floats one head needs: a transposed, padded D x NP operand, the scaled q, two N x NP blocks (the
     * scores and their exps), and the transposing tile of {@link #coefColumnsTimesRows} (8 vectors of the
     * widest shape).
     */
    static int scratchFloats(int n, int d) {
        int np = paddedRow(n);
        return d * np + n * d + 2 * n * np + 8 * 16;
    }

    static void forward(float[] qkv, int qBase, int kBase, int vBase, int rs, int n, int d,
                        float scale, float[] probs, int pOff, float[] out, int oOff, int ors, float[] scratch) {
        int np = vectorRow(n);
        int kt = 0, qs = kt + d * np, sc = qs + n * d, ex = sc + n * np;
        transposePadded(qkv, kBase, rs, n, d, np, scratch, kt);
        FloatVector vscale = FloatVector.broadcast(S, scale);
        int db = S.loopBound(d);
        for (int i = 0; i < n; i++) {
            int q = qBase + i * rs, o = qs + i * d, t = 0;
            for (; t < db; t += L) FloatVector.fromArray(S, qkv, q + t).mul(vscale).intoArray(scratch, o + t);
            for (; t < d; t++) scratch[o + t] = qkv[q + t] * scale;
        }
        rowsTimesColumns(scratch, qs, d, scratch, kt, n, np, d, scratch, sc);
        softmaxPaddedRows(scratch, sc, ex, n, np, probs, pOff);
        coefTimesRows(probs, pOff, n, 1, qkv, vBase, rs, n, d, out, oOff, ors);
    }

    static void backward(float[] qkv, int qBase, int kBase, int vBase, int rs, int n, int d, float scale,
                         float[] probs, int pOff, float[] dOut, int dBase, int drs,
                         float[] dqkv, int dqBase, int dkBase, int dvBase, float[] scratch) {
        int np = vectorRow(n);
        int vt = 0, ds = vt + d * np;
        transposePadded(qkv, vBase, rs, n, d, np, scratch, vt);
        rowsTimesColumns(dOut, dBase, drs, scratch, vt, n, np, d, scratch, ds); // dP = dO·vᵀ, padding 0
        FloatVector vscale = FloatVector.broadcast(S, scale);
        // P is read where the forward wrote it (rows n apart): whole vectors, then the row's last n mod L
        // entries through a mask, so nothing past the block is read and the padding of dS comes out 0
        int whole = S.loopBound(n);
        VectorMask<Float> rest = S.indexInRange(whole, n);
        for (int i = 0; i < n; i++) {
            int p = pOff + i * n, g = ds + i * np;
            FloatVector dot = FloatVector.zero(S);
            for (int j = 0; j < whole; j += L) {
                dot = FloatVector.fromArray(S, probs, p + j).fma(FloatVector.fromArray(S, scratch, g + j), dot);
            }
            FloatVector tail = FloatVector.fromArray(S, probs, p + whole, rest); // zero where whole == n
            if (whole < n) dot = tail.fma(FloatVector.fromArray(S, scratch, g + whole), dot);
            FloatVector rowDot = FloatVector.broadcast(S, LaneSums.sum(dot));
            // dS of the softmax, times the scale of q·kᵀ (so dq and dk need no further scaling)
            for (int j = 0; j < whole; j += L) {
                FloatVector pv = FloatVector.fromArray(S, probs, p + j);
                FloatVector.fromArray(S, scratch, g + j).sub(rowDot).mul(pv).mul(vscale).intoArray(scratch, g + j);
            }
            if (whole < n) {
                FloatVector.fromArray(S, scratch, g + whole).sub(rowDot).mul(tail).mul(vscale).intoArray(scratch, g + whole);
            }
        }
        coefTimesRows(scratch, ds, np, 1, qkv, kBase, rs, n, d, dqkv, dqBase, rs); // dq = dS·k
        if (columnsSuit(n, d)) {
            int tmp = ds + n * np;
            coefColumnsTimesRows(scratch, ds, np, qkv, qBase, rs, n, d, dqkv, dkBase, rs, scratch, tmp); // dk = dSᵀ·q
            coefColumnsTimesRows(probs, pOff, n, dOut, dBase, drs, n, d, dqkv, dvBase, rs, scratch, tmp); // dv = Pᵀ·dO
        } else {
            coefTimesRows(scratch, ds, 1, np, qkv, qBase, rs, n, d, dqkv, dkBase, rs); // dk = dSᵀ·q
            coefTimesRows(probs, pOff, 1, n, dOut, dBase, drs, n, d, dqkv, dvBase, rs); // dv = Pᵀ·dO
        }
    }

    /** Whether {@link #coefColumnsTimesRows} takes a product: heads narrower than a vector, in fours, N ≥ 2L. */
    private static boolean columnsSuit(int n, int d) {
        return d < L && d % 4 == 0 && n >= 2 * L;
    }

    /**
     * o[oBase + j·ors + t] = Σ_i w[wOff + i·wrs + j]·x[xBase + i·xrs + t] for j in [0, n), t in [0, d): the
     * transposed-coefficient products of the backward (dk = dSᵀ·q, dv = Pᵀ·dO), vectorised over the output row j
     * rather than over the head width. For a narrow head (D = 4) {@link #coefTimesRows} runs four-lane FMAs on
     * a strided W; here every FMA is a full vector, W is read along its rows, and two vectors of j by four
     * columns make eight independent chains. The sums run over i in ascending order, as there, so the bits are
     * the same. The results leave through tmp (8·L floats), transposed into o. d a multiple of 4, n ≥ 2L.
     */
    private static void coefColumnsTimesRows(float[] w, int wOff, int wrs, float[] x, int xBase, int xrs, int n, int d,
                                             float[] o, int oBase, int ors, float[] tmp, int tOff) {
        for (int j0 = 0; j0 < n; j0 += 2 * L) {
            int j = Math.min(j0, n - 2 * L); // the last block overlaps the one before rather than leaving a tail
            for (int t = 0; t < d; t += 4) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                for (int i = 0; i < n; i++) {
                    int wi = wOff + i * wrs + j, xi = xBase + i * xrs + t;
                    FloatVector w0 = FloatVector.fromArray(S, w, wi), w1 = FloatVector.fromArray(S, w, wi + L);
                    FloatVector r = FloatVector.broadcast(S, x[xi]);
                    a0 = w0.fma(r, a0);
                    b0 = w1.fma(r, b0);
                    r = FloatVector.broadcast(S, x[xi + 1]);
                    a1 = w0.fma(r, a1);
                    b1 = w1.fma(r, b1);
                    r = FloatVector.broadcast(S, x[xi + 2]);
                    a2 = w0.fma(r, a2);
                    b2 = w1.fma(r, b2);
                    r = FloatVector.broadcast(S, x[xi + 3]);
                    a3 = w0.fma(r, a3);
                    b3 = w1.fma(r, b3);
                }
                // tmp holds column t + c of rows j .. j + 2L at tOff + c·2L
                a0.intoArray(tmp, tOff);
                b0.intoArray(tmp, tOff + L);
                a1.intoArray(tmp, tOff + 2 * L);
                b1.intoArray(tmp, tOff + 3 * L);
                a2.intoArray(tmp, tOff + 4 * L);
                b2.intoArray(tmp, tOff + 5 * L);
                a3.intoArray(tmp, tOff + 6 * L);
                b3.intoArray(tmp, tOff + 7 * L);
                for (int l = 0; l < 2 * L; l++) {
                    int dst = oBase + (j + l) * ors + t, src = tOff + l;
                    o[dst] = tmp[src];
                    o[dst + 1] = tmp[src + 2 * L];
                    o[dst + 2] = tmp[src + 4 * L];
                    o[dst + 3] = tmp[src + 6 * L];
                }
            }
        }
    }

    /** N rounded up to this CPU's vectors: the row stride of the scratch blocks (at most {@link #paddedRow}). */
    private static int vectorRow(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * dst[dOff + t·np + j] = src[base + j·rs + t] for j < n, and 0 for j in [n, np). Whole vectors of j are
     * gathered (L rows rs apart, one load instruction; element by element the strided writes cost about 4 ns
     * each), the last n mod L columns are copied one by one.
     */
    private static void transposePadded(float[] src, int base, int rs, int n, int d, int np, float[] dst, int dOff) {
        int[] rows = new int[L];
        for (int l = 0; l < L; l++) rows[l] = l * rs;
        int jb = S.loopBound(n);
        for (int t = 0; t < d; t++) {
            int o = dOff + t * np;
            for (int j = 0; j < jb; j += L) FloatVector.fromArray(S, src, base + j * rs + t, rows, 0).intoArray(dst, o + j);
            for (int j = jb; j < n; j++) dst[o + j] = src[base + j * rs + t];
            for (int j = n; j < np; j++) dst[o + j] = 0f;
        }
    }

    /**
     * e^-40: a row whose exps, taken against the head's max, sum to less than this is redone against its own
     * max. Above it the row's largest exp is at least e^-40 / N, so the terms flushed to 0 (below 2^-126) are
     * under e^-47 of it: nothing a float sum could hold.
     */
    private static final float MIN_SHARED_SUM = 4.248354e-18f;

    /**
     * Softmax of each row of the n x np block of scores at c[off] over its first n entries, written to probs
     * (rows of n at pOff); the exps go to the block at c[eOff], and the scores' padding is set to -inf. The
     * exps are taken against the max of the whole head, found with vertical compares and one reduction across
     * lanes, instead of each row's own max: every row's max and its shuffle tree were a dependency chain as
     * long as the row's exps (about 45 of 165 cycles a row of mnist-tiny). Softmax does not depend on what is
     * subtracted; a row far below the head's max would lose its small terms to underflow, so a row whose sum
     * is under {@link #MIN_SHARED_SUM} (or NaN) is redone against its own max. The padding comes out of the exp
     * as 0 and never reaches probs; each row's sum is a fixed {@link LaneSums} tree, and the maxima are
     * compare-and-blend (Java's max would add NaN and -0 fix-ups: a NaN score gives a NaN row either way,
     * through the exp). Each row's last n mod L probabilities are stored through a mask.
     */
    private static void softmaxPaddedRows(float[] c, int off, int eOff, int n, int np, float[] probs, int pOff) {
        int lastV = np - L;
        VectorMask<Float> pad = S.indexInRange(lastV, n).not(); // lanes of a row's last vector past n
        FloatVector minusInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector m0 = minusInf, m1 = minusInf; // two chains: rows do not wait for each other
        for (int i = 0; i < n; i++) {
            int row = off + i * np;
            FloatVector last = FloatVector.fromArray(S, c, row + lastV).blend(minusInf, pad);
            last.intoArray(c, row + lastV);
            m1 = m1.blend(last, m1.lt(last));
            for (int j = 0; j < lastV; j += L) {
                FloatVector x = FloatVector.fromArray(S, c, row + j);
                m0 = m0.blend(x, m0.lt(x));
            }
        }
        float headMax = LaneSums.max(m0.blend(m1, m0.lt(m1))).lane(0);
        SimdMath.expNonPositive(c, off, headMax, c, eOff, n * np);
        int whole = S.loopBound(n);
        VectorMask<Float> rest = S.indexInRange(whole, n);
        for (int i = 0; i < n; i++) {
            int row = off + i * np, e = eOff + i * np, p = pOff + i * n;
            float total = rowSum(c, e, np);
            if (!(total >= MIN_SHARED_SUM)) { // far below the head's max, or NaN: against its own max
                FloatVector m = FloatVector.fromArray(S, c, row);
                for (int j = L; j < np; j += L) {
                    FloatVector x = FloatVector.fromArray(S, c, row + j);
                    m = m.blend(x, m.lt(x));
                }
                SimdMath.expNonPositive(c, row, LaneSums.max(m).lane(0), c, e, np);
                total = rowSum(c, e, np);
            }
            FloatVector inv = FloatVector.broadcast(S, 1f / total);
            for (int j = 0; j < whole; j += L) FloatVector.fromArray(S, c, e + j).mul(inv).intoArray(probs, p + j);
            if (whole < n) FloatVector.fromArray(S, c, e + whole).mul(inv).intoArray(probs, p + whole, rest);
        }
    }

    /** The sum of the np floats at x[off], by the fixed {@link LaneSums} tree. */
    private static float rowSum(float[] x, int off, int np) {
        FloatVector sum = FloatVector.fromArray(S, x, off);
        for (int j = L; j < np; j += L) sum = sum.add(FloatVector.fromArray(S, x, off + j));
        return LaneSums.sum(sum);
    }

    /**
     * c[cOff + i·np + j] = Σ_t a[aOff + i·ars + t]·bt[btOff + t·np + j] for i in [0, n), j in [0, np), t in
     * [0, d): rows of A times the columns of a transposed, padded B. The 4 x 2-vector register tile of
     * {@link GemmMicroKernel#tile}, on operands that are already in L1 in a usable layout, so nothing is packed.
     */
    private static void rowsTimesColumns(float[] a, int aOff, int ars, float[] bt, int btOff, int n, int np, int d,
                                         float[] c, int cOff) {
        if (n < 4) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < np; j++) {
                    float s = 0f;
                    for (int t = 0; t < d; t++) s += a[aOff + i * ars + t] * bt[btOff + t * np + j];
                    c[cOff + i * np + j] = s;
                }
            }
            return;
        }
        for (int i0 = 0; i0 < n; i0 += 4) {
            int i = Math.min(i0, n - 4); // the last block overlaps the previous one rather than leaving a tail
            int a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            int c0 = cOff + i * np;
            int j = 0;
            for (; j + 2 * L <= np; j += 2 * L) {
                FloatVector x00 = FloatVector.zero(S), x01 = x00, x10 = x00, x11 = x00;
                FloatVector x20 = x00, x21 = x00, x30 = x00, x31 = x00;
                for (int t = 0; t < d; t++) {
                    int b = btOff + t * np + j;
                    FloatVector b0 = FloatVector.fromArray(S, bt, b), b1 = FloatVector.fromArray(S, bt, b + L);
                    FloatVector r = FloatVector.broadcast(S, a[a0 + t]);
                    x00 = r.fma(b0, x00);
                    x01 = r.fma(b1, x01);
                    r = FloatVector.broadcast(S, a[a1 + t]);
                    x10 = r.fma(b0, x10);
                    x11 = r.fma(b1, x11);
                    r = FloatVector.broadcast(S, a[a2 + t]);
                    x20 = r.fma(b0, x20);
                    x21 = r.fma(b1, x21);
                    r = FloatVector.broadcast(S, a[a3 + t]);
                    x30 = r.fma(b0, x30);
                    x31 = r.fma(b1, x31);
                }
                int o = c0 + j;
                x00.intoArray(c, o);
                x01.intoArray(c, o + L);
                x10.intoArray(c, o + np);
                x11.intoArray(c, o + np + L);
                x20.intoArray(c, o + 2 * np);
                x21.intoArray(c, o + 2 * np + L);
                x30.intoArray(c, o + 3 * np);
                x31.intoArray(c, o + 3 * np + L);
            }
            if (j < np) { // one vector left
                FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0;
                for (int t = 0; t < d; t++) {
                    FloatVector b0 = FloatVector.fromArray(S, bt, btOff + t * np + j);
                    x0 = FloatVector.broadcast(S, a[a0 + t]).fma(b0, x0);
                    x1 = FloatVector.broadcast(S, a[a1 + t]).fma(b0, x1);
                    x2 = FloatVector.broadcast(S, a[a2 + t]).fma(b0, x2);
                    x3 = FloatVector.broadcast(S, a[a3 + t]).fma(b0, x3);
                }
                int o = c0 + j;
                x0.intoArray(c, o);
                x1.intoArray(c, o + np);
                x2.intoArray(c, o + 2 * np);
                x3.intoArray(c, o + 3 * np);
            }
        }
    }

    /**
     * o[oBase + i·ors + t] = Σ_j w[wOff + i·wrs + j·wcs]·x[xBase + j·xrs + t] for i, j in [0, n), t in [0, d):
     * with (wrs, wcs) = (np, 1) W is read as stored, with (1, np) transposed.
     */
    private static void coefTimesRows(float[] w, int wOff, int wrs, int wcs, float[] x, int xBase, int xrs, int n,
                                      int d, float[] o, int oBase, int ors) {
        if (n < 4) {
            scalarColumns(w, wOff, wrs, wcs, x, xBase, xrs, n, 0, d, o, oBase, ors);
            return;
        }
        int t = 0;
        for (; t + 2 * L <= d; t += 2 * L) twoVectorColumns(w, wOff, wrs, wcs, x, xBase + t, xrs, n, o, oBase + t, ors);
        if (t + L <= d) {
            oneVectorColumns(w, wOff, wrs, wcs, x, xBase + t, xrs, n, o, oBase + t, ors);
            t += L;
        }
        if (L > 4 && t + 4 <= d) {
            fourLaneColumns(w, wOff, wrs, wcs, x, xBase + t, xrs, n, o, oBase + t, ors);
            t += 4;
        }
        if (t < d) scalarColumns(w, wOff, wrs, wcs, x, xBase, xrs, n, t, d, o, oBase, ors);
    }

    /** {@link #coefTimesRows} for the 2·L columns starting at x[xBase] and o[oBase]; n ≥ 4. */
    private static void twoVectorColumns(float[] w, int wOff, int wrs, int wcs, float[] x, int xBase, int xrs, int n,
                                         float[] o, int oBase, int ors) {
        for (int i0 = 0; i0 < n; i0 += 4) {
            int i = Math.min(i0, n - 4);
            int w0 = wOff + i * wrs, w1 = w0 + wrs, w2 = w1 + wrs, w3 = w2 + wrs;
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
            FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int j = 0; j < n; j++) {
                int xj = xBase + j * xrs, wj = j * wcs;
                FloatVector x0 = FloatVector.fromArray(S, x, xj), x1 = FloatVector.fromArray(S, x, xj + L);
                FloatVector r = FloatVector.broadcast(S, w[w0 + wj]);
                c00 = r.fma(x0, c00);
                c01 = r.fma(x1, c01);
                r = FloatVector.broadcast(S, w[w1 + wj]);
                c10 = r.fma(x0, c10);
                c11 = r.fma(x1, c11);
                r = FloatVector.broadcast(S, w[w2 + wj]);
                c20 = r.fma(x0, c20);
                c21 = r.fma(x1, c21);
                r = FloatVector.broadcast(S, w[w3 + wj]);
                c30 = r.fma(x0, c30);
                c31 = r.fma(x1, c31);
            }
            int r0 = oBase + i * ors;
            c00.intoArray(o, r0);
            c01.intoArray(o, r0 + L);
            c10.intoArray(o, r0 + ors);
            c11.intoArray(o, r0 + ors + L);
            c20.intoArray(o, r0 + 2 * ors);
            c21.intoArray(o, r0 + 2 * ors + L);
            c30.intoArray(o, r0 + 3 * ors);
            c31.intoArray(o, r0 + 3 * ors + L);
        }
    }

    /** {@link #coefTimesRows} for the L columns starting at x[xBase] and o[oBase]; n ≥ 4. */
    private static void oneVectorColumns(float[] w, int wOff, int wrs, int wcs, float[] x, int xBase, int xrs, int n,
                                         float[] o, int oBase, int ors) {
        for (int i0 = 0; i0 < n; i0 += 4) {
            int i = Math.min(i0, n - 4);
            int w0 = wOff + i * wrs, w1 = w0 + wrs, w2 = w1 + wrs, w3 = w2 + wrs;
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            for (int j = 0; j < n; j++) {
                FloatVector xj = FloatVector.fromArray(S, x, xBase + j * xrs);
                int wj = j * wcs;
                c0 = FloatVector.broadcast(S, w[w0 + wj]).fma(xj, c0);
                c1 = FloatVector.broadcast(S, w[w1 + wj]).fma(xj, c1);
                c2 = FloatVector.broadcast(S, w[w2 + wj]).fma(xj, c2);
                c3 = FloatVector.broadcast(S, w[w3 + wj]).fma(xj, c3);
            }
            int r0 = oBase + i * ors;
            c0.intoArray(o, r0);
            c1.intoArray(o, r0 + ors);
            c2.intoArray(o, r0 + 2 * ors);
            c3.intoArray(o, r0 + 3 * ors);
        }
    }

    /**
     * {@link #coefTimesRows} for the 4 columns starting at x[xBase] and o[oBase], in 128-bit vectors; n ≥ 4. The
     * loop of {@link #oneVectorColumns} written again rather than shared through a species parameter: the
     * Vector API is only compiled to vector instructions when C2 sees the species as a constant.
     */
    private static void fourLaneColumns(float[] w, int wOff, int wrs, int wcs, float[] x, int xBase, int xrs, int n,
                                        float[] o, int oBase, int ors) {
        for (int i0 = 0; i0 < n; i0 += 4) {
            int i = Math.min(i0, n - 4);
            int w0 = wOff + i * wrs, w1 = w0 + wrs, w2 = w1 + wrs, w3 = w2 + wrs;
            FloatVector c0 = FloatVector.zero(S4), c1 = c0, c2 = c0, c3 = c0;
            for (int j = 0; j < n; j++) {
                FloatVector xj = FloatVector.fromArray(S4, x, xBase + j * xrs);
                int wj = j * wcs;
                c0 = FloatVector.broadcast(S4, w[w0 + wj]).fma(xj, c0);
                c1 = FloatVector.broadcast(S4, w[w1 + wj]).fma(xj, c1);
                c2 = FloatVector.broadcast(S4, w[w2 + wj]).fma(xj, c2);
                c3 = FloatVector.broadcast(S4, w[w3 + wj]).fma(xj, c3);
            }
            int r0 = oBase + i * ors;
            c0.intoArray(o, r0);
            c1.intoArray(o, r0 + ors);
            c2.intoArray(o, r0 + 2 * ors);
            c3.intoArray(o, r0 + 3 * ors);
        }
    }

    /** {@link #coefTimesRows} for the columns [t0, t1) one by one: the rest of an odd head width, or N below 4. */
    private static void scalarColumns(float[] w, int wOff, int wrs, int wcs, float[] x, int xBase, int xrs, int n,
                                      int t0, int t1, float[] o, int oBase, int ors) {
        for (int i = 0; i < n; i++) {
            for (int t = t0; t < t1; t++) {
                float s = 0f;
                for (int j = 0; j < n; j++) s += w[wOff + i * wrs + j * wcs] * x[xBase + j * xrs + t];
                o[oBase + i * ors + t] = s;
            }
        }
    }
}
