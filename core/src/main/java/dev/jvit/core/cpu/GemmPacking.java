package dev.jvit.core.cpu;

/**
 * Packing for {@link PackedGemm}: copies a block of A or B, read through its general strides, into the
 * panel layout the {@link GemmMicroKernel} streams through, zero-padding the last panel so every tile is full.
 * This is the only place that reads the caller's operands, so a transposed view costs a strided copy of one
 * cache-sized block at a time and is never materialised whole. Unit strides (plain and transposed views)
 * get loops whose reads are sequential and whose index math C2 can strip of range checks; any other stride
 * takes the general loop.
 */
final class GemmPacking {
    private static final int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;

    static {
        // packA's transposed loop is written out for four rows
        if (MR != 4) throw new AssertionError("packA assumes MR = 4, got " + MR);
    }

    private GemmPacking() {}

    /**
     * Packs rows [0, mc) x cols [0, kc) of A, where A[i][p] = a[base + i*rs + p*cs], into ceil(mc/MR) panels:
     * ap[r*kc*MR + p*MR + ii] = A[r*MR + ii][p], rows past mc set to zero.
     */
    static void packA(int mc, int kc, float[] a, int base, int rs, int cs, float[] ap) {
        int full = mc / MR * MR;
        if (cs == 1) {
            // row-major A: one sequential read stream per row, written with stride MR
            for (int i = 0; i < full; i++) {
                int s = base + i * rs, d = i / MR * kc * MR + i % MR;
                for (int p = 0; p < kc; p++) ap[d + p * MR] = a[s + p];
            }
        } else if (rs == 1) {
            // transposed A: the MR values of one column of a panel are adjacent
            for (int i0 = 0, d = 0; i0 < full; i0 += MR, d += kc * MR) {
                for (int p = 0; p < kc; p++) {
                    int s = base + i0 + p * cs, o = d + p * MR;
                    ap[o] = a[s];
                    ap[o + 1] = a[s + 1];
                    ap[o + 2] = a[s + 2];
                    ap[o + 3] = a[s + 3];
                }
            }
        } else {
            for (int i = 0; i < full; i++) {
                int s = base + i * rs, d = i / MR * kc * MR + i % MR;
                for (int p = 0; p < kc; p++) ap[d + p * MR] = a[s + p * cs];
            }
        }
        if (full < mc) {
            // the last, partial panel: its rows, then zeros so the micro-kernel needs no mask
            int d = full / MR * kc * MR, src = base + full * rs, rows = mc - full;
            for (int p = 0; p < kc; p++) {
                int o = d + p * MR;
                for (int ii = 0; ii < rows; ii++) ap[o + ii] = a[src + ii * rs + p * cs];
                for (int ii = rows; ii < MR; ii++) ap[o + ii] = 0f;
            }
        }
    }

    /**
     * Packs panels [q0, q1) of a kc x nc block of B, where B[p][j] = b[base + p*rs + j*cs] and panel q holds
     * columns [q*NR, q*NR + NR): bp[dst + (q-q0)*kc*NR + p*NR + jj] = B[p][q*NR + jj], columns past nc zero.
     */
    static void packB(int kc, int nc, float[] b, int base, int rs, int cs, float[] bp, int dst, int q0, int q1) {
        if (rs == 1 && cs != 1) {
            packTransposedB(kc, nc, b, base, cs, bp, dst, q0, q1);
            return;
        }
        for (int q = q0, d = dst; q < q1; q++, d += kc * NR) {
            int j0 = q * NR, cols = Math.min(NR, nc - j0), src = base + j0 * cs;
            if (cols == NR && cs == 1) {
                // row-major B: every panel row is one contiguous run of NR floats
                for (int p = 0; p < kc; p++) System.arraycopy(b, src + p * rs, bp, d + p * NR, NR);
            } else {
                for (int p = 0; p < kc; p++) {
                    int s = src + p * rs, o = d + p * NR;
                    for (int jj = 0; jj < cols; jj++) bp[o + jj] = b[s + jj * cs];
                    for (int jj = cols; jj < NR; jj++) bp[o + jj] = 0f;
                }
            }
        }
    }

    /**
     * packB for a transposed B (B[p][j] = b[base + j*cs + p]: a kᵀ or Wᵀ view). Every column of B is a
     * sequential run, so the walk goes column by column over all the panels, partial last one included, and
     * zero-fills the padding after. Measured for a 16 x 50 kᵀ (an attention head) this packs twice as fast
     * as walking panel by panel with a separate strided loop for the partial panel (0.7 against 1.4 ns per
     * float), which mattered because each head packs its own kᵀ.
     */
    private static void packTransposedB(int kc, int nc, float[] b, int base, int cs, float[] bp, int dst, int q0, int q1) {
        int jEnd = Math.min(nc, q1 * NR);
        for (int j = q0 * NR; j < jEnd; j++) {
            int s = base + j * cs, o = dst + (j / NR - q0) * kc * NR + j % NR;
            for (int p = 0; p < kc; p++) bp[o + p * NR] = b[s + p];
        }
        if (jEnd < q1 * NR) {
            int d = dst + (q1 - 1 - q0) * kc * NR, from = jEnd % NR;
            for (int p = 0; p < kc; p++) java.util.Arrays.fill(bp, d + p * NR + from, d + p * NR + NR, 0f);
        }
    }
}
