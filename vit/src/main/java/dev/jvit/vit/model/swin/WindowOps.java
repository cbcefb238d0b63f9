package dev.jvit.vit.model.swin;

import dev.jvit.autograd.Tensor;
import dev.jvit.core.NDArray;
import dev.jvit.core.Shape;

/**
 * The window bookkeeping of Swin, timm's {@code window_partition}, {@code window_reverse}, the cyclic shift
 * ({@code torch.roll}) and the tables computed once per block: the shifted-window attention mask and the
 * relative position index. Feature maps are channels-last, (B, H, W, C), as in timm.
 *
 * <p>Everything on tensors is built from views, narrow and concat, so the gradients come for free from the
 * existing ops: roll is two narrowed pieces concatenated per axis (one copy), partition and reverse are a
 * reshape, a permute and one copy.
 */
public final class WindowOps {
    /** What timm adds to the scores of token pairs that came from different regions of a shifted window. */
    public static final float MASKED = -100f;

    private WindowOps() {}

    /**
     * x (B, H, W, C) to windows (B·nW, M·M, C), nW = (H/M)·(W/M): windows in row-major order within each image,
     * images one after the other (timm's order, so a window's index is b·nW + w), tokens row-major in a window.
     */
    public static Tensor partition(Tensor x, int m) {
        if (x.rank() != 4) throw new IllegalArgumentException("window partition expects (B, H, W, C), got " + Shape.str(x.shape()));
        int b = x.size(0), h = x.size(1), w = x.size(2), c = x.size(3);
        checkDivisible(h, w, m);
        return x.reshape(b, h / m, m, w / m, m, c).permute(0, 1, 3, 2, 4, 5).reshape(b * (h / m) * (w / m), m * m, c);
    }

    /** The inverse of {@link #partition}: windows (B·nW, M·M, C) back to (B, H, W, C). */
    public static Tensor reverse(Tensor windows, int m, int h, int w) {
        checkDivisible(h, w, m);
        int nw = (h / m) * (w / m);
        if (windows.rank() != 3 || windows.size(1) != m * m || windows.size(0) % nw != 0) {
            throw new IllegalArgumentException("window reverse expects (B*" + nw + ", " + m * m + ", C) for a " + h + "x" + w
                    + " map in " + m + "x" + m + " windows, got " + Shape.str(windows.shape()));
        }
        int b = windows.size(0) / nw, c = windows.size(2);
        return windows.reshape(b, h / m, w / m, m, m, c).permute(0, 1, 3, 2, 4, 5).reshape(b, h, w, c);
    }

    /**
     * torch.roll(x, (shift, shift), dims=(1, 2)) on x (B, H, W, C): out[i][j] = x[(i - shift) mod H][(j - shift) mod W].
     * Swin shifts by -M/2 before the windowed attention and by +M/2 after it.
     */
    public static Tensor roll(Tensor x, int shift) {
        if (x.rank() != 4) throw new IllegalArgumentException("roll expects (B, H, W, C), got " + Shape.str(x.shape()));
        return rollDim(rollDim(x, 1, shift), 2, shift);
    }

    private static Tensor rollDim(Tensor x, int dim, int shift) {
        int len = x.size(dim);
        int s = Math.floorMod(shift, len);
        if (s == 0) return x;
        // the last s entries move to the front
        return Tensor.concat(dim, x.narrow(dim, len - s, s), x.narrow(dim, 0, len - s));
    }

    /**
     * The attention mask of a shifted-window block, (nW, M·M, M·M), 0 where two tokens of a window may attend
     * to each other and {@link #MASKED} where they may not. After the map is rolled by -s, the windows along
     * the bottom and right edges hold tokens that were far apart before the roll (wrapped around); the map is
     * labelled with up to 9 regions — rows [0, H-M), [H-M, H-s), [H-s, H), the same for columns — and only
     * tokens with the same label may attend to each other (timm's construction).
     */
    public static NDArray attentionMask(int h, int w, int m, int s) {
        checkDivisible(h, w, m);
        if (s <= 0 || s >= m) throw new IllegalArgumentException("shift " + s + " must be in (0, " + m + ")");
        int[] label = new int[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) label[i * w + j] = region(i, h, m, s) * 3 + region(j, w, m, s);
        }
        int nwh = h / m, nww = w / m, n = m * m;
        float[] mask = new float[nwh * nww * n * n];
        for (int wi = 0; wi < nwh; wi++) {
            for (int wj = 0; wj < nww; wj++) {
                int base = (wi * nww + wj) * n * n;
                for (int p = 0; p < n; p++) {
                    int lp = label[(wi * m + p / m) * w + wj * m + p % m];
                    for (int q = 0; q < n; q++) {
                        int lq = label[(wi * m + q / m) * w + wj * m + q % m];
                        mask[base + p * n + q] = lp == lq ? 0f : MASKED;
                    }
                }
            }
        }
        return NDArray.of(mask, nwh * nww, n, n);
    }

    /** Which of the three slices (0: untouched, 1: the last window's unwrapped part, 2: wrapped) i is in. */
    private static int region(int i, int len, int m, int s) {
        if (i < len - m) return 0;
        return i < len - s ? 1 : 2;
    }

    /**
     * timm's relative_position_index, INT32 (M·M, M·M): for tokens p = (pi, pj) and q = (qi, qj) of a window,
     * the row of the bias table ((2M-1)², heads) for their offset: (pi - qi + M - 1)·(2M - 1) + (pj - qj + M - 1).
     */
    public static NDArray relativePositionIndex(int m) {
        int n = m * m;
        int[] idx = new int[n * n];
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                int di = p / m - q / m + m - 1, dj = p % m - q % m + m - 1;
                idx[p * n + q] = di * (2 * m - 1) + dj;
            }
        }
        return NDArray.ofInts(idx, n, n);
    }

    private static void checkDivisible(int h, int w, int m) {
        if (m <= 0 || h % m != 0 || w % m != 0) {
            throw new IllegalArgumentException("a " + h + "x" + w + " map is not divisible into " + m + "x" + m + " windows");
        }
    }
}
