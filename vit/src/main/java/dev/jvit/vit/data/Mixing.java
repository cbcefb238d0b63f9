package dev.jvit.vit.data;

import dev.jvit.core.Generator;

/**
 * Batch-level mixing after timm's {@code Mixup}: each batch is blended with itself reversed (image i with
 * image B-1-i), either by mixup (a convex blend of whole images, Zhang et al. 2018) or by cutmix (a box of
 * the other image pasted in, Yun et al. 2019), and the targets become the matching blend of one-hot labels.
 * The blend weight λ is drawn from Beta(α, α); for cutmix it is corrected to the box's true area.
 *
 * @param mixupAlpha  α for mixup, 0 to disable
 * @param cutmixAlpha α for cutmix, 0 to disable
 * @param switchProb  when both are enabled, the chance of cutmix instead of mixup for a batch
 */
public record Mixing(float mixupAlpha, float cutmixAlpha, float switchProb) {

    public Mixing {
        if (mixupAlpha < 0 || cutmixAlpha < 0) throw new IllegalArgumentException("mixing alphas must be >= 0");
        if (mixupAlpha == 0 && cutmixAlpha == 0) throw new IllegalArgumentException("enable mixup or cutmix (alpha > 0)");
    }

    /**
     * Mixes x (B, C, H, W as a flat array) in place and returns the soft targets (B, classes) row-major.
     */
    public float[] apply(float[] x, int[] labels, int c, int h, int w, int classes, Generator g) {
        int b = labels.length, img = c * h * w;
        boolean cut = cutmixAlpha > 0 && (mixupAlpha == 0 || g.nextFloat() < switchProb);
        float lam = sampleBeta(cut ? cutmixAlpha : mixupAlpha, g);
        float[] orig = x.clone();
        if (cut) {
            // a box whose area is (1 - lam) of the image, centred uniformly, clipped at the borders
            float ratio = (float) Math.sqrt(1 - lam);
            int ch = (int) (h * ratio), cw = (int) (w * ratio);
            int cy = g.nextInt(h), cx = g.nextInt(w);
            int y0 = Math.max(cy - ch / 2, 0), y1 = Math.min(cy + ch / 2, h);
            int x0 = Math.max(cx - cw / 2, 0), x1 = Math.min(cx + cw / 2, w);
            for (int i = 0; i < b; i++) {
                int j = b - 1 - i;
                for (int k = 0; k < c; k++) {
                    for (int y = y0; y < y1; y++) {
                        int off = k * h * w + y * w;
                        System.arraycopy(orig, j * img + off + x0, x, i * img + off + x0, x1 - x0);
                    }
                }
            }
            lam = 1f - (float) ((y1 - y0) * (x1 - x0)) / (h * w);
        } else {
            for (int i = 0; i < b; i++) {
                int j = b - 1 - i;
                for (int k = 0; k < img; k++) x[i * img + k] = lam * orig[i * img + k] + (1 - lam) * orig[j * img + k];
            }
        }
        float[] targets = new float[b * classes];
        for (int i = 0; i < b; i++) {
            targets[i * classes + labels[i]] += lam;
            targets[i * classes + labels[b - 1 - i]] += 1 - lam;
        }
        return targets;
    }

    /** Beta(α, α) as X/(X+Y) with X, Y ~ Gamma(α). */
    static float sampleBeta(float alpha, Generator g) {
        double x = sampleGamma(alpha, g), y = sampleGamma(alpha, g);
        return (float) (x / (x + y));
    }

    /** Marsaglia and Tsang's method, with the usual boost for α < 1. */
    static double sampleGamma(double alpha, Generator g) {
        if (alpha < 1) {
            double u = (g.nextLong() >>> 11) * 0x1.0p-53 + 0x1.0p-54;
            return sampleGamma(alpha + 1, g) * Math.pow(u, 1 / alpha);
        }
        double d = alpha - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = g.nextGaussian(), v = 1 + c * z;
            if (v <= 0) continue;
            v = v * v * v;
            double u = (g.nextLong() >>> 11) * 0x1.0p-53 + 0x1.0p-54;
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
        }
    }
}
