package dev.jvit.vit.data;

import dev.jvit.core.Generator;

/**
 * A random change applied to one image before batching: {@code img} holds (C, H, W) floats and is changed
 * in place. Each call draws from the given generator only, so a batch's augmentation depends on the seed and
 * the batch's position alone, not on which thread prepared it.
 */
@FunctionalInterface
public interface Augmentation {
    void apply(float[] img, int channels, int height, int width, Generator g);

    /** Pads by {@code padding} zeros on every side, then crops back to H×W at a random position. */
    static Augmentation randomCrop(int padding) {
        return (img, c, h, w, g) -> {
            int dy = g.nextInt(2 * padding + 1) - padding, dx = g.nextInt(2 * padding + 1) - padding;
            if (dy == 0 && dx == 0) return;
            float[] src = img.clone();
            for (int ch = 0; ch < c; ch++) {
                int base = ch * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = x + dx;
                        img[base + y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[base + sy * w + sx] : 0f;
                    }
                }
            }
        };
    }

    /** Mirrors left-right with probability 1/2 (for CIFAR; not for digits). */
    static Augmentation horizontalFlip() {
        return (img, c, h, w, g) -> {
            if (g.nextFloat() >= 0.5f) return;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int row = ch * h * w + y * w;
                    for (int x = 0, z = w - 1; x < z; x++, z--) {
                        float t = img[row + x];
                        img[row + x] = img[row + z];
                        img[row + z] = t;
                    }
                }
            }
        };
    }
}
