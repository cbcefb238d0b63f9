package dev.jvit.vit.viz;

import java.util.List;

/**
 * Attention rollout (Abnar and Zuidema 2020, "Quantifying Attention Flow in Transformers"): how much each input
 * token contributes to each output token through all blocks, approximating the residual connection by an
 * identity added to the attention. Per block l, with the heads averaged,
 * <pre>
 *   Â_l = rownorm(mean_h A_l,h + I)        (rows of A sum to 1, so this is 0.5·A + 0.5·I)
 *   R   = Â_L · Â_(L-1) · ... · Â_1
 * </pre>
 * Row 0 of R, read at the patch columns, is the class token's attention to each patch. All matrices are
 * (tokens, tokens) row-major; every row of R sums to 1 because every row of each Â does.
 */
public final class AttentionRollout {
    private AttentionRollout() {}

    /** One block's attention (heads, tokens, tokens) to its mean over heads (tokens, tokens). */
    public static double[] headMean(float[] attention, int heads, int tokens) {
        int tt = tokens * tokens;
        if (attention.length != heads * tt) {
            throw new IllegalArgumentException("attention of " + heads + " heads over " + tokens + " tokens needs "
                    + (heads * tt) + " values, got " + attention.length);
        }
        double[] mean = new double[tt];
        for (int h = 0; h < heads; h++) for (int i = 0; i < tt; i++) mean[i] += attention[h * tt + i];
        for (int i = 0; i < tt; i++) mean[i] /= heads;
        return mean;
    }

    /** The rollout (tokens, tokens) of the blocks' attentions, each (heads, tokens, tokens), first block first. */
    public static double[] rollout(List<float[]> blocks, int heads, int tokens) {
        if (blocks.isEmpty()) throw new IllegalArgumentException("rollout needs the attention of at least one block");
        double[] r = null;
        for (float[] block : blocks) {
            double[] a = headMean(block, heads, tokens);
            for (int i = 0; i < tokens; i++) {
                a[i * tokens + i] += 1;
                double sum = 0;
                for (int j = 0; j < tokens; j++) sum += a[i * tokens + j];
                for (int j = 0; j < tokens; j++) a[i * tokens + j] /= sum;
            }
            r = r == null ? a : multiply(a, r, tokens); // later blocks act on what earlier blocks produced
        }
        return r;
    }

    /** The class token's row (row 0) of a (tokens, tokens) matrix at the patch columns 1..tokens-1. */
    public static float[] classToPatches(double[] matrix, int tokens) {
        float[] row = new float[tokens - 1];
        for (int j = 1; j < tokens; j++) row[j - 1] = (float) matrix[j];
        return row;
    }

    /** The class token's row of one head of a block's attention (heads, tokens, tokens), at the patch columns. */
    public static float[] classToPatches(float[] attention, int head, int tokens) {
        float[] row = new float[tokens - 1];
        System.arraycopy(attention, head * tokens * tokens + 1, row, 0, tokens - 1);
        return row;
    }

    private static double[] multiply(double[] a, double[] b, int n) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
            }
        }
        return c;
    }
}
