package dev.jvit.vit.model;

import dev.jvit.core.NDArray;

/** The fixed sinusoidal position tables; pure functions returning (tokens, dim) arrays. */
public final class SinCos {
    private SinCos() {}

    /**
     * PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)), for pos in [0, tokens).
     * An odd d leaves the last column as a sine. Shape (tokens, d).
     */
    public static NDArray oneD(int tokens, int d) {
        float[] pe = new float[tokens * d];
        fill1d(pe, 0, d, tokens, d);
        return NDArray.of(pe, tokens, d);
    }

    /**
     * 2D table over a gh×gw grid of patches in row-major order: the first d/2 columns encode the row with a 1D
     * table of width d/2, the last d/2 the column. d must be even. Shape (gh*gw, d).
     */
    public static NDArray twoD(int gh, int gw, int d) {
        if (d % 2 != 0) throw new IllegalArgumentException("2D sin-cos position embedding needs an even dim, got " + d);
        int half = d / 2;
        float[] rows = new float[gh * half], cols = new float[gw * half];
        fill1d(rows, 0, half, gh, half);
        fill1d(cols, 0, half, gw, half);
        float[] pe = new float[gh * gw * d];
        for (int r = 0; r < gh; r++) {
            for (int c = 0; c < gw; c++) {
                int t = r * gw + c;
                System.arraycopy(rows, r * half, pe, t * d, half);
                System.arraycopy(cols, c * half, pe, t * d + half, half);
            }
        }
        return NDArray.of(pe, gh * gw, d);
    }

    /** Writes a (positions, width) 1D table with row stride `stride` starting at `offset`. */
    private static void fill1d(float[] out, int offset, int width, int positions, int stride) {
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < width; i += 2) {
                double angle = pos / Math.pow(10000.0, (double) i / width);
                out[offset + pos * stride + i] = (float) Math.sin(angle);
                if (i + 1 < width) out[offset + pos * stride + i + 1] = (float) Math.cos(angle);
            }
        }
    }
}
