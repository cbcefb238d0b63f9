package dev.jvit.vit.data;

import dev.jvit.core.NDArray;

/**
 * One batch, ready for the model.
 *
 * @param images  (B, C, H, W) float32, normalised
 * @param labels  (B) int32 class indices (the first image's labels when mixed)
 * @param targets (B, classes) float32 soft targets when mixup/cutmix made them, else null
 */
public record Batch(NDArray images, NDArray labels, NDArray targets) {
    public int size() {
        return images.size(0);
    }
}
