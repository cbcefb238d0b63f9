package dev.jvit.vit.data;

import dev.jvit.core.Generator;

import java.util.Arrays;
import java.util.List;

/**
 * RandAugment (Cubuk et al. 2020) as an {@link Augmentation}: each image gets N operations, each drawn
 * uniformly from the list below, all at one magnitude M. The magnitude runs from 0 to 10 as in timm
 * ({@code rand-m9-n2} is {@code --rand-augment 2,9}); with level = M / 10 the ranges are timm's and
 * torchvision's: rotate ±30°·level, shear ±0.3·level, translate ±0.45·level of the side, brightness,
 * contrast, colour and sharpness factors 1 ± 0.9·level, posterize to 8 - round(4·level) bits, solarize
 * above 1 - level. Signs are drawn per operation. Every operation is the identity at M = 0 except the
 * three without a magnitude (auto-contrast, equalize, and identity itself). The op list is torchvision's
 * (timm's without Invert and SolarizeAdd, which suit photographs less than digits).
 *
 * <p>The loader hands over normalised images, (x - mean) / std per channel; the photometric operations are
 * defined on pixel values in [0, 1], so each image is mapped back to [0, 1], changed, and normalised again.
 * Geometric operations sample bilinearly about the image centre, as PIL's affine transforms do, and fill
 * uncovered pixels with 0 (black). All randomness comes from the loader's per-batch generator, so a batch's
 * augmentation depends on the seed and its position only.
 */
public final class RandAugment implements Augmentation {
    /** The operations, in the order an index draw picks them. */
    public enum Op {
        IDENTITY, AUTO_CONTRAST, EQUALIZE, ROTATE, SHEAR_X, SHEAR_Y, TRANSLATE_X, TRANSLATE_Y, BRIGHTNESS,
        COLOR, CONTRAST, SHARPNESS, POSTERIZE, SOLARIZE
    }

    private static final Op[] OPS = Op.values();
    public static final int MAX_MAGNITUDE = 10;

    private final int n;
    private final int magnitude;
    private final float[] mean, std;

    /**
     * @param n         operations per image (0: none)
     * @param magnitude strength, 0 to 10
     * @param norm      the normalisation the loader applied (to map images back to [0, 1])
     */
    public RandAugment(int n, int magnitude, Normalization norm) {
        if (n < 0) throw new IllegalArgumentException("--rand-augment N must be >= 0, got " + n);
        if (magnitude < 0 || magnitude > MAX_MAGNITUDE) {
            throw new IllegalArgumentException("--rand-augment M must be in 0.." + MAX_MAGNITUDE + " (timm's scale), got " + magnitude);
        }
        this.n = n;
        this.magnitude = magnitude;
        this.mean = norm.mean().clone();
        this.std = norm.std().clone();
    }

    /** Parses "N,M" as given to {@code --rand-augment}; the error names the option. */
    public static int[] parse(String spec) {
        String[] f = spec.split(",");
        try {
            if (f.length != 2) throw new NumberFormatException();
            int n = Integer.parseInt(f[0].trim()), m = Integer.parseInt(f[1].trim());
            if (n < 0) throw new IllegalArgumentException("--rand-augment N must be >= 0, got " + n);
            if (m < 0 || m > MAX_MAGNITUDE) {
                throw new IllegalArgumentException("--rand-augment M must be in 0.." + MAX_MAGNITUDE + " (timm's scale), got " + m);
            }
            return new int[] {n, m};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rand-augment takes N,M (ops per image, magnitude 0..10), e.g. 2,9; got '" + spec + "'");
        }
    }

    public int n() {
        return n;
    }

    public int magnitude() {
        return magnitude;
    }

    @Override
    public void apply(float[] img, int c, int h, int w, Generator g) {
        if (n == 0) return;
        if (mean.length != c) throw new IllegalArgumentException("RandAugment was set up for " + mean.length + " channels, the image has " + c);
        int plane = h * w;
        for (int k = 0; k < c; k++) {
            for (int p = 0; p < plane; p++) img[k * plane + p] = img[k * plane + p] * std[k] + mean[k];
        }
        float level = (float) magnitude / MAX_MAGNITUDE;
        for (int i = 0; i < n; i++) {
            Op op = OPS[g.nextInt(OPS.length)];
            float sign = g.nextFloat() < 0.5f ? -1f : 1f;
            apply(op, sign * level, img, c, h, w);
        }
        for (int k = 0; k < c; k++) {
            for (int p = 0; p < plane; p++) img[k * plane + p] = (img[k * plane + p] - mean[k]) / std[k];
        }
    }

    /**
     * One operation at a signed level in [-1, 1] on an image (C, H, W) of values in [0, 1], in place. The
     * operations without a direction ignore the sign; those without a magnitude ignore the level.
     */
    static void apply(Op op, float level, float[] img, int c, int h, int w) {
        float a = Math.abs(level);
        switch (op) {
            case IDENTITY -> { }
            case AUTO_CONTRAST -> autoContrast(img, c, h, w);
            case EQUALIZE -> equalize(img, c, h, w);
            case ROTATE -> rotate(img, c, h, w, 30f * level);
            case SHEAR_X -> affine(img, c, h, w, 1, 0.3f * level, 0, 0, 1, 0);
            case SHEAR_Y -> affine(img, c, h, w, 1, 0, 0, 0.3f * level, 1, 0);
            case TRANSLATE_X -> affine(img, c, h, w, 1, 0, -0.45f * level * w, 0, 1, 0);
            case TRANSLATE_Y -> affine(img, c, h, w, 1, 0, 0, 0, 1, -0.45f * level * h);
            case BRIGHTNESS -> brightness(img, 1 + 0.9f * level);
            case COLOR -> color(img, c, h, w, 1 + 0.9f * level);
            case CONTRAST -> contrast(img, c, h, w, 1 + 0.9f * level);
            case SHARPNESS -> sharpness(img, c, h, w, 1 + 0.9f * level);
            case POSTERIZE -> posterize(img, 8 - Math.round(4 * a));
            case SOLARIZE -> solarize(img, 1 - a);
        }
    }

    /** All the operation names, for help texts. */
    public static List<String> opNames() {
        return Arrays.stream(OPS).map(o -> o.name().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    // ---- geometric -----------------------------------------------------------------------------------

    /**
     * Rotates counter-clockwise by degrees about the image centre (PIL's Image.rotate): output point P takes
     * the input at R(θ)·(P - centre) + centre in image coordinates (y down), which turns the content by θ.
     */
    static void rotate(float[] img, int c, int h, int w, float degrees) {
        double t = Math.toRadians(degrees), cos = Math.cos(t), sin = Math.sin(t);
        double cx = w / 2.0, cy = h / 2.0;
        affine(img, c, h, w, (float) cos, (float) -sin, (float) (cx - cos * cx + sin * cy),
                (float) sin, (float) cos, (float) (cy - sin * cx - cos * cy));
    }

    /**
     * PIL's Image.transform(AFFINE, (a, b, tx, d, e, ty)): output pixel (x, y) takes the input at
     * (a·X + b·Y + tx, d·X + e·Y + ty) with X = x + 0.5, Y = y + 0.5 (pixel centres, measured from the
     * image's top-left corner); bilinear, 0 outside.
     */
    static void affine(float[] img, int c, int h, int w, float a, float b, float tx, float d, float e, float ty) {
        if (a == 1 && b == 0 && tx == 0 && d == 0 && e == 1 && ty == 0) return;
        float[] src = img.clone();
        for (int k = 0; k < c; k++) {
            int base = k * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float px = x + 0.5f, py = y + 0.5f;
                    float sx = a * px + b * py + tx - 0.5f, sy = d * px + e * py + ty - 0.5f;
                    img[base + y * w + x] = bilinear(src, base, h, w, sx, sy);
                }
            }
        }
    }

    /** Bilinear sample at (x, y); neighbours outside the image count as 0. */
    private static float bilinear(float[] src, int base, int h, int w, float x, float y) {
        // snap values within float noise of a pixel centre, so exact moves (90° turns, whole-pixel shifts) stay exact
        float rx = Math.round(x), ry = Math.round(y);
        if (Math.abs(x - rx) < 1e-4f) x = rx;
        if (Math.abs(y - ry) < 1e-4f) y = ry;
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        float fx = x - x0, fy = y - y0;
        return (1 - fy) * ((1 - fx) * at(src, base, h, w, x0, y0) + fx * at(src, base, h, w, x0 + 1, y0))
                + fy * ((1 - fx) * at(src, base, h, w, x0, y0 + 1) + fx * at(src, base, h, w, x0 + 1, y0 + 1));
    }

    private static float at(float[] src, int base, int h, int w, int x, int y) {
        return x >= 0 && x < w && y >= 0 && y < h ? src[base + y * w + x] : 0f;
    }

    // ---- photometric (values in [0, 1]) ----------------------------------------------------------------

    /** Stretches each channel so its darkest pixel becomes 0 and its brightest 1 (flat channels unchanged). */
    static void autoContrast(float[] img, int c, int h, int w) {
        int plane = h * w;
        for (int k = 0; k < c; k++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < plane; p++) {
                lo = Math.min(lo, img[k * plane + p]);
                hi = Math.max(hi, img[k * plane + p]);
            }
            if (hi <= lo) continue;
            float scale = 1f / (hi - lo);
            for (int p = 0; p < plane; p++) img[k * plane + p] = (img[k * plane + p] - lo) * scale;
        }
    }

    /**
     * PIL's ImageOps.equalize per channel on the 8-bit values round(255·v): a lookup table from the cumulative
     * histogram, with step = (pixels - count of the brightest used value) / 255; a channel with step 0 is left alone.
     */
    static void equalize(float[] img, int c, int h, int w) {
        int plane = h * w;
        for (int k = 0; k < c; k++) {
            int[] hist = new int[256];
            int[] q = new int[plane];
            for (int p = 0; p < plane; p++) {
                q[p] = Math.round(Math.clamp(img[k * plane + p], 0f, 1f) * 255f);
                hist[q[p]]++;
            }
            int last = 255;
            while (hist[last] == 0) last--;
            int step = (plane - hist[last]) / 255;
            if (step == 0) continue;
            int[] lut = new int[256];
            int acc = step / 2;
            for (int i = 0; i < 256; i++) {
                lut[i] = Math.min(acc / step, 255);
                acc += hist[i];
            }
            for (int p = 0; p < plane; p++) img[k * plane + p] = lut[q[p]] / 255f;
        }
    }

    /** Scales every value by factor (PIL's Brightness: a blend with black), clipped to [0, 1]. */
    static void brightness(float[] img, float factor) {
        for (int i = 0; i < img.length; i++) img[i] = Math.clamp(img[i] * factor, 0f, 1f);
    }

    /**
     * Blends each pixel with the image's mean grey level (PIL's Contrast): mean + factor·(v - mean), clipped.
     * The grey level of RGB is 0.299 R + 0.587 G + 0.114 B; of other channel counts, the plain mean.
     */
    static void contrast(float[] img, int c, int h, int w, float factor) {
        int plane = h * w;
        float[] grey = grey(img, c, plane);
        double sum = 0;
        for (float v : grey) sum += v;
        float m = (float) (sum / plane);
        for (int i = 0; i < img.length; i++) img[i] = Math.clamp(m + factor * (img[i] - m), 0f, 1f);
    }

    /** Blends each pixel with its own grey level (PIL's Color, saturation); the identity for grey images. */
    static void color(float[] img, int c, int h, int w, float factor) {
        if (c != 3) return;
        int plane = h * w;
        float[] grey = grey(img, c, plane);
        for (int k = 0; k < c; k++) {
            for (int p = 0; p < plane; p++) {
                img[k * plane + p] = Math.clamp(grey[p] + factor * (img[k * plane + p] - grey[p]), 0f, 1f);
            }
        }
    }

    private static float[] grey(float[] img, int c, int plane) {
        float[] grey = new float[plane];
        if (c == 3) {
            for (int p = 0; p < plane; p++) grey[p] = 0.299f * img[p] + 0.587f * img[plane + p] + 0.114f * img[2 * plane + p];
        } else {
            for (int k = 0; k < c; k++) for (int p = 0; p < plane; p++) grey[p] += img[k * plane + p] / c;
        }
        return grey;
    }

    /**
     * Blends with PIL's SMOOTH filter ([[1,1,1],[1,5,1],[1,1,1]] / 13 on inner pixels; the border is kept):
     * smooth + factor·(v - smooth), clipped. factor 0 blurs, 1 is the identity, above 1 sharpens.
     */
    static void sharpness(float[] img, int c, int h, int w, float factor) {
        if (h < 3 || w < 3) return;
        float[] src = img.clone();
        for (int k = 0; k < c; k++) {
            int base = k * h * w;
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    float s = 4 * src[base + y * w + x];
                    for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) s += src[base + (y + dy) * w + x + dx];
                    float smooth = s / 13f, v = src[base + y * w + x];
                    img[base + y * w + x] = Math.clamp(smooth + factor * (v - smooth), 0f, 1f);
                }
            }
        }
    }

    /** Keeps the top bits of the 8-bit value round(255·v) (PIL's posterize); 8 bits changes nothing. */
    static void posterize(float[] img, int bits) {
        if (bits >= 8) return;
        int mask = ~((1 << (8 - bits)) - 1) & 0xff;
        for (int i = 0; i < img.length; i++) img[i] = (Math.round(Math.clamp(img[i], 0f, 1f) * 255f) & mask) / 255f;
    }

    /** Inverts values above threshold (v → 1 - v); threshold 1 changes nothing. */
    static void solarize(float[] img, float threshold) {
        for (int i = 0; i < img.length; i++) if (img[i] > threshold) img[i] = 1f - img[i];
    }
}
